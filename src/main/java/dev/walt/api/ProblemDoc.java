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
    An error (RFC 9457). `type` is stable: https://walt.dev/problems/ + one of invalid-request,
    malformed-request, unauthorized, not-found, video-not-found, method-not-allowed, not-acceptable,
    unsupported-media-type, request-too-large, invalid-image, image-fetch-failed, content-not-ready,
    idempotency-key-in-use, idempotency-key-reused, rate-limited, too-many-active-jobs,
    service-unavailable, internal-error.""")
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
