package dev.walt.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import dev.walt.system.ConditionalOnRole;
import dev.walt.system.Role;
import dev.walt.webhooks.InvalidWebhookUrlException;
import dev.walt.webhooks.WebhookUrlValidator;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Key management for operators: tenants, keys, revocation. Protected by {@code walt.auth.admin-key}
 * (sent as a bearer token); when that setting is empty the whole admin API answers 404.
 */
@RestController
@ConditionalOnRole(Role.API)
@RequestMapping(path = "/admin/v1", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "admin", description = "Tenants and API keys (operators only; needs walt.auth.admin-key)")
class AdminController {

  private final AuthSettings settings;
  private final ApiKeys keys;
  private final WebhookUrlValidator webhooks;

  AdminController(AuthSettings settings, ApiKeys keys, WebhookUrlValidator webhooks) {
    this.settings = settings;
    this.keys = keys;
    this.webhooks = webhooks;
  }

  @Schema(name = "AdminTenantRequest")
  record TenantRequest(@Schema(description = "display name, 1-200 characters") @JsonProperty("name") @Nullable String name) {}

  @Schema(name = "AdminTenant")
  record TenantView(
      @JsonProperty("id") UUID id,
      @JsonProperty("object") String object,
      @JsonProperty("name") String name,
      @JsonProperty("created_at") long createdAt) {}

  @Schema(name = "AdminKeyRequest")
  record KeyRequest(
      @Schema(description = "display name, 1-200 characters") @JsonProperty("name") @Nullable String name,
      @Schema(description = "requests per minute (default 600)") @JsonProperty("requests_per_minute") @Nullable Integer requestsPerMinute,
      @Schema(description = "queued + running jobs at most (default 20)") @JsonProperty("max_active_jobs") @Nullable Integer maxActiveJobs,
      @Schema(description = "webhook URL for jobs that name none") @JsonProperty("default_webhook_url") @Nullable String defaultWebhookUrl) {}

  @Schema(name = "AdminKey")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record KeyView(
      @JsonProperty("id") UUID id,
      @JsonProperty("object") String object,
      @JsonProperty("tenant_id") UUID tenantId,
      @JsonProperty("name") String name,
      @JsonProperty("prefix") String prefix,
      @JsonProperty("requests_per_minute") int requestsPerMinute,
      @JsonProperty("max_active_jobs") int maxActiveJobs,
      @JsonProperty("default_webhook_url") @Nullable String defaultWebhookUrl,
      @JsonProperty("created_at") long createdAt,
      @JsonProperty("revoked_at") @Nullable Long revokedAt,
      @Schema(description = "the API key; shown only in the response that created it")
      @JsonProperty("key") @Nullable String key,
      @Schema(description = "Standard Webhooks signing secret; shown only in the response that created the key")
      @JsonProperty("webhook_secret") @Nullable String webhookSecret) {

    static KeyView of(ApiKeys.KeyInfo info, @Nullable String key, @Nullable String secret) {
      return new KeyView(info.id(), "api_key", info.tenantId(), info.name(), info.prefix(), info.requestsPerMinute(),
          info.maxActiveJobs(), info.defaultWebhookUrl(), info.createdAt().getEpochSecond(),
          info.revokedAt() == null ? null : info.revokedAt().getEpochSecond(), key, secret);
    }
  }

  @PostMapping(path = "/tenants", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create a tenant")
  @ApiResponse(responseCode = "201", description = "the tenant")
  @ApiResponse(responseCode = "400", description = "invalid name")
  @ApiResponse(responseCode = "401", description = "missing or wrong admin key")
  ResponseEntity<TenantView> createTenant(@Parameter(hidden = true) @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
      @RequestBody TenantRequest request) {
    checkAdmin(authorization);
    String name = validName(request.name());
    ApiKeys.Tenant tenant = keys.createTenant(name);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(new TenantView(tenant.id(), "tenant", tenant.name(), tenant.createdAt().getEpochSecond()));
  }

  @PostMapping(path = "/tenants/{tenantId}/keys", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create an API key for a tenant", description = "The key and its webhook secret are returned once and never again.")
  @ApiResponse(responseCode = "201", description = "the key, with `key` and `webhook_secret`")
  @ApiResponse(responseCode = "400", description = "invalid fields")
  @ApiResponse(responseCode = "401", description = "missing or wrong admin key")
  @ApiResponse(responseCode = "404", description = "no such tenant")
  ResponseEntity<KeyView> createKey(@Parameter(hidden = true) @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
      @PathVariable String tenantId, @RequestBody KeyRequest request) {
    checkAdmin(authorization);
    UUID tenant = uuidOrNotFound(tenantId, "tenant");
    List<Map<String, String>> errors = new ArrayList<>();
    String name = request.name() == null ? "default" : request.name();
    if (name.isBlank() || name.length() > 200) {
      errors.add(Map.of("field", "name", "message", "must have 1 to 200 characters"));
    }
    if (request.requestsPerMinute() != null && (request.requestsPerMinute() < 1 || request.requestsPerMinute() > 1_000_000)) {
      errors.add(Map.of("field", "requests_per_minute", "message", "must be between 1 and 1000000"));
    }
    if (request.maxActiveJobs() != null && (request.maxActiveJobs() < 1 || request.maxActiveJobs() > 100_000)) {
      errors.add(Map.of("field", "max_active_jobs", "message", "must be between 1 and 100000"));
    }
    String webhook = request.defaultWebhookUrl();
    if (webhook != null) {
      try {
        webhooks.validate(webhook);
      } catch (InvalidWebhookUrlException e) {
        errors.add(Map.of("field", "default_webhook_url", "message", String.valueOf(e.getMessage())));
      }
    }
    if (!errors.isEmpty()) {
      ErrorResponseException e = AuthProblems.problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
          "the request has invalid fields (see errors)");
      e.getBody().setProperty("errors", errors);
      throw e;
    }
    var created = keys.createKey(tenant, name, new ApiKeys.KeyOptions(request.requestsPerMinute(), request.maxActiveJobs(), webhook))
        .orElseThrow(() -> notFound("tenant"));
    return ResponseEntity.status(HttpStatus.CREATED).body(KeyView.of(created.info(), created.key(), created.webhookSecret()));
  }

  @GetMapping("/tenants/{tenantId}/keys")
  @Operation(summary = "List a tenant's API keys (never the keys themselves)")
  @ApiResponse(responseCode = "200", description = "the keys")
  @ApiResponse(responseCode = "401", description = "missing or wrong admin key")
  @ApiResponse(responseCode = "404", description = "no such tenant")
  List<KeyView> listKeys(@Parameter(hidden = true) @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
      @PathVariable String tenantId) {
    checkAdmin(authorization);
    UUID tenant = uuidOrNotFound(tenantId, "tenant");
    if (keys.tenant(tenant).isEmpty()) {
      throw notFound("tenant");
    }
    return keys.keys(tenant).stream().map(k -> KeyView.of(k, null, null)).toList();
  }

  @PostMapping("/keys/{keyId}/revoke")
  @Operation(summary = "Revoke an API key", description = """
      Idempotent. The replica that answers refuses the key from the next request on; other replicas within
      `walt.auth.key-cache.ttl` (default 5 s), the time for which they trust a key they authenticated.""")
  @ApiResponse(responseCode = "200", description = "the revoked key")
  @ApiResponse(responseCode = "401", description = "missing or wrong admin key")
  @ApiResponse(responseCode = "404", description = "no such key")
  KeyView revoke(@Parameter(hidden = true) @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
      @PathVariable String keyId) {
    checkAdmin(authorization);
    UUID id = uuidOrNotFound(keyId, "key");
    return keys.revoke(id).map(k -> KeyView.of(k, null, null)).orElseThrow(() -> notFound("key"));
  }

  private void checkAdmin(@Nullable String authorization) {
    String adminKey = settings.adminKey();
    if (adminKey == null || adminKey.isBlank()) {
      throw AuthProblems.problem(HttpStatus.NOT_FOUND, "not-found", "Not found", "no such resource");
    }
    String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).strip() : null;
    if (presented == null) {
      throw AuthProblems.unauthorized("send the admin key: 'Authorization: Bearer <admin key>'", false);
    }
    if (!KeyHasher.secretsEqual(presented, adminKey)) {
      throw AuthProblems.unauthorized("the admin key is not valid", true);
    }
  }

  private static String validName(@Nullable String name) {
    if (name == null || name.isBlank() || name.length() > 200) {
      ErrorResponseException e = AuthProblems.problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
          "the request has invalid fields (see errors)");
      e.getBody().setProperty("errors", List.of(Map.of("field", "name", "message", "must have 1 to 200 characters")));
      throw e;
    }
    return name;
  }

  private static UUID uuidOrNotFound(String id, String what) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw notFound(what);
    }
  }

  private static ErrorResponseException notFound(String what) {
    return AuthProblems.problem(HttpStatus.NOT_FOUND, "not-found", "Not found", "no such " + what);
  }
}
