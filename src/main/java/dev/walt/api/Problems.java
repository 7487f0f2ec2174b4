package dev.walt.api;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The problem types (RFC 9457) of the API. Every type is {@code https://walt.dev/problems/<slug>}; the
 * slugs are stable and documented in the OpenAPI document.
 */
final class Problems {

  static final String TYPE_BASE = "https://walt.dev/problems/";

  private Problems() {}

  /** One invalid field of a request. */
  record FieldError(String field, String message) {}

  static URI type(String slug) {
    return URI.create(TYPE_BASE + slug);
  }

  static ProblemDetail body(HttpStatusCode status, String slug, String title, String detail) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
    body.setType(type(slug));
    body.setTitle(title);
    return body;
  }

  static ErrorResponseException problem(HttpStatus status, String slug, String title, String detail) {
    return new ErrorResponseException(status, body(status, slug, title, detail), null);
  }

  /** 400 with the list of invalid fields. */
  static ErrorResponseException invalid(List<FieldError> errors) {
    ErrorResponseException e = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : "the request has " + errors.size() + " invalid fields (see errors)");
    e.getBody().setProperty("errors", errors.stream()
        .map(f -> java.util.Map.of("field", f.field(), "message", f.message())).toList());
    return e;
  }

  static ErrorResponseException invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  static ErrorResponseException videoNotFound() {
    return problem(HttpStatus.NOT_FOUND, "video-not-found", "Video not found", "no video with this id");
  }

  static ErrorResponseException malformed(String detail) {
    return problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", detail);
  }

  static ErrorResponseException tooLarge(String detail) {
    return problem(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "Request too large", detail);
  }
}
