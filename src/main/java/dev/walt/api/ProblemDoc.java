package dev.walt.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The shape of every error response (RFC 9457, {@code application/problem+json}); only for the
 * OpenAPI document (the handlers return Spring's {@code ProblemDetail}).
 */
@Schema(name = "Problem", description = """
    An error (RFC 9457). `type` is stable: https://walt.dev/problems/ + one of
    invalid-request (400, with `errors`), malformed-request (400), unauthorized (401), not-found (404),
    video-not-found (404), content-not-found (404), method-not-allowed (405), not-acceptable (406),
    content-not-ready (409), idempotency-key-in-use (409), request-too-large (413), image-too-large (413),
    unsupported-media-type (415), image-unsupported-format (415), image-empty (400), image-corrupt (422),
    image-too-many-pixels (422), image-too-small (422), image-fetch-failed (422),
    idempotency-key-reused (422), rate-limited (429), too-many-active-jobs (429),
    service-unavailable (503), too-many-streams (503), internal-error (500).""")
record ProblemDoc(
    @Schema(example = "https://walt.dev/problems/invalid-request") @JsonProperty("type") String type,
    @Schema(example = "Invalid request") @JsonProperty("title") String title,
    @Schema(example = "400") @JsonProperty("status") int status,
    @Schema(example = "frames: must be between 1 and 129") @JsonProperty("detail") String detail,
    @Schema(example = "/v1/videos") @JsonProperty("instance") String instance,
    @Schema(description = "the invalid fields (invalid-request only)", nullable = true)
    @JsonProperty("errors") @Nullable List<FieldErrorDoc> errors,
    @Schema(description = "id of the logged error (internal-error only)", nullable = true)
    @JsonProperty("correlation_id") @Nullable String correlationId) {

  @Schema(name = "FieldError")
  record FieldErrorDoc(
      @Schema(example = "frames") @JsonProperty("field") String field,
      @Schema(example = "must be between 1 and 129") @JsonProperty("message") String message) {}
}
