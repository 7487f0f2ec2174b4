package dev.walt.auth;

import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The problems (RFC 9457) of authentication and rate limiting. */
final class AuthProblems {

  static final String TYPE_BASE = "https://walt.dev/problems/";

  private AuthProblems() {}

  static ErrorResponseException problem(HttpStatus status, String slug, String title, String detail) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
    body.setType(URI.create(TYPE_BASE + slug));
    body.setTitle(title);
    return new ErrorResponseException(status, body, null);
  }

  /** 401 with {@code WWW-Authenticate: Bearer} (RFC 6750). */
  static ErrorResponseException unauthorized(String detail, boolean tokenPresented) {
    ErrorResponseException e = problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
    e.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
        tokenPresented ? "Bearer realm=\"walt\", error=\"invalid_token\"" : "Bearer realm=\"walt\"");
    return e;
  }
}
