package dev.walt.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates every {@code /v1} request by its bearer API key and counts it against the key's
 * requests-per-minute limit. Every answered request carries {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset}; over the limit it is a 429 problem with
 * {@code Retry-After}.
 */
class ApiKeyInterceptor implements HandlerInterceptor {

  static final String CALLER_ATTRIBUTE = Caller.class.getName();

  private final ApiKeys keys;
  private final RateLimiter rateLimiter;

  ApiKeyInterceptor(ApiKeys keys, RateLimiter rateLimiter) {
    this.keys = keys;
    this.rateLimiter = rateLimiter;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (request.getAttribute(CALLER_ATTRIBUTE) != null) {
      return true; // an async re-dispatch (end of an event stream) of an authenticated request
    }
    Caller caller = authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
    request.setAttribute(CALLER_ATTRIBUTE, caller);
    RateLimiter.Window window = rateLimiter.hit(caller.apiKeyId(), caller.requestsPerMinute());
    response.setHeader("RateLimit-Limit", Integer.toString(window.limit()));
    response.setHeader("RateLimit-Remaining", Long.toString(window.remaining()));
    response.setHeader("RateLimit-Reset", Long.toString(window.resetSeconds()));
    if (window.exceeded()) {
      ErrorResponseException e = AuthProblems.problem(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
          "this API key is limited to " + window.limit() + " requests per minute; retry after "
              + window.resetSeconds() + " s");
      e.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(window.resetSeconds()));
      e.getHeaders().set("RateLimit-Limit", Integer.toString(window.limit()));
      e.getHeaders().set("RateLimit-Remaining", "0");
      e.getHeaders().set("RateLimit-Reset", Long.toString(window.resetSeconds()));
      throw e;
    }
    return true;
  }

  private Caller authenticate(@Nullable String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw AuthProblems.unauthorized("send an API key: 'Authorization: Bearer <api key>'", false);
    }
    String trimmed = authorization.strip();
    int space = trimmed.indexOf(' ');
    if (space < 0 || !trimmed.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
      throw AuthProblems.unauthorized("the Authorization header must use the Bearer scheme: 'Authorization: Bearer <api key>'", false);
    }
    String key = trimmed.substring(space + 1).strip();
    if (!ApiKeys.wellFormed(key)) {
      throw AuthProblems.unauthorized("the API key is malformed", true);
    }
    return keys.authenticate(key)
        .orElseThrow(() -> AuthProblems.unauthorized("the API key is not valid or was revoked", true));
  }
}
