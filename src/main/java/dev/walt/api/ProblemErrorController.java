package dev.walt.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's whitelabel/JSON error page: errors that happen outside Spring MVC (in the
 * servlet container or a filter) are answered as problems too, without exception details.
 */
@RestController
@Hidden
class ProblemErrorController implements ErrorController {

  @RequestMapping("${server.error.path:${error.path:/error}}")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null
        ? HttpStatus.valueOf(i) : HttpStatus.INTERNAL_SERVER_ERROR;
    if (status.value() < 400) {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    String slug = switch (status) {
      case NOT_FOUND -> "not-found";
      case METHOD_NOT_ALLOWED -> "method-not-allowed";
      case CONTENT_TOO_LARGE -> "request-too-large";
      case BAD_REQUEST -> "malformed-request";
      case INTERNAL_SERVER_ERROR -> "internal-error";
      default -> status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    };
    ProblemDetail body = Problems.body(status, slug, status.getReasonPhrase(),
        status.is4xxClientError() ? "the request cannot be processed" : "an unexpected error occurred");
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    if (uri instanceof String s) {
      try {
        body.setInstance(URI.create(s));
      } catch (IllegalArgumentException ignored) {
        // not a valid URI reference: leave instance out
      }
    }
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(ApiExceptionHandler.PROBLEM_JSON);
    return new ResponseEntity<>(body, headers, status);
  }
}
