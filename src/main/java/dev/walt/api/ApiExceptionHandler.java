package dev.walt.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.validation.BindException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every error into an RFC 9457 problem ({@code application/problem+json}) with a stable
 * {@code type}: Spring MVC's own errors (404 unknown route, 405, 406, 415, 413, malformed bodies),
 * the API's problems, an unreachable database (503 with {@code Retry-After}), and anything
 * unexpected (500 with a correlation id that is logged; never the exception or a stack trace).
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
  static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

  @Override
  protected @Nullable ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (request instanceof ServletWebRequest servlet && servlet.getResponse() != null
        && servlet.getResponse().isCommitted()) {
      return null; // e.g. an event stream already sending: nothing can be written any more
    }
    ProblemDetail problem = body instanceof ProblemDetail p ? p
        : ex instanceof org.springframework.web.ErrorResponse e ? e.getBody() : ProblemDetail.forStatus(status);
    normalise(ex, problem, status);
    if (request instanceof ServletWebRequest servlet && problem.getInstance() == null) {
      problem.setInstance(URI.create(servlet.getRequest().getRequestURI()));
    }
    HttpHeaders out = new HttpHeaders();
    out.putAll(headers);
    out.setContentType(PROBLEM_JSON);
    return new ResponseEntity<>(problem, out, status);
  }

  /** Gives Spring's own problems our type URIs, titles and details. */
  private static void normalise(Exception ex, ProblemDetail problem, HttpStatusCode status) {
    if (problem.getType() != null && problem.getType().toString().startsWith(Problems.TYPE_BASE)) {
      return; // one of ours
    }
    String slug;
    String title;
    String detail;
    if (ex instanceof NoResourceFoundException e) {
      slug = "not-found"; title = "Not found"; detail = "no such resource: /" + e.getResourcePath();
    } else if (ex instanceof NoHandlerFoundException e) {
      slug = "not-found"; title = "Not found"; detail = "no such resource: " + e.getRequestURL();
    } else if (ex instanceof HttpRequestMethodNotSupportedException e) {
      slug = "method-not-allowed"; title = "Method not allowed";
      detail = "method " + e.getMethod() + " is not allowed here"
          + (e.getSupportedHttpMethods() == null ? "" : "; allowed: " + e.getSupportedHttpMethods());
    } else if (ex instanceof HttpMediaTypeNotSupportedException e) {
      slug = "unsupported-media-type"; title = "Unsupported media type";
      detail = (e.getContentType() == null ? "a request body without Content-Type" : "Content-Type " + e.getContentType())
          + " is not supported here; use one of " + e.getSupportedMediaTypes();
    } else if (ex instanceof HttpMediaTypeNotAcceptableException e) {
      slug = "not-acceptable"; title = "Not acceptable";
      detail = "cannot answer in any media type of the Accept header; available: " + e.getSupportedMediaTypes();
    } else if (ex instanceof MaxUploadSizeExceededException) {
      slug = "request-too-large"; title = "Request too large"; detail = "the request body is too large";
    } else if (ex instanceof HttpMessageNotReadableException) {
      slug = "malformed-request"; title = "Malformed request";
      detail = "the request body is missing or is not valid JSON of the expected shape";
    } else if (ex instanceof MissingServletRequestParameterException e) {
      slug = "invalid-request"; title = "Invalid request";
      detail = e.getParameterName() + ": is required";
      problem.setProperty("errors", List.of(Map.of("field", e.getParameterName(), "message", "is required")));
    } else if (ex instanceof MissingRequestHeaderException e) {
      slug = "invalid-request"; title = "Invalid request"; detail = "header " + e.getHeaderName() + " is required";
    } else if (ex instanceof MethodArgumentNotValidException e) {
      slug = "invalid-request"; title = "Invalid request"; detail = "the request has invalid fields (see errors)";
      problem.setProperty("errors", fieldErrors(e));
    } else if (ex instanceof MultipartException) {
      slug = "malformed-request"; title = "Malformed request"; detail = "the multipart body cannot be read";
    } else {
      HttpStatus known = HttpStatus.resolve(status.value());
      slug = known == null ? "error-" + status.value() : known.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      title = known == null ? "Error" : known.getReasonPhrase();
      detail = status.is4xxClientError() ? "the request cannot be processed" : "the request cannot be served now";
    }
    problem.setType(Problems.type(slug));
    problem.setTitle(title);
    problem.setDetail(detail);
  }

  private static List<Map<String, String>> fieldErrors(BindException e) {
    List<Map<String, String>> errors = new ArrayList<>();
    e.getFieldErrors().forEach(f -> errors.add(Map.of("field", f.getField(),
        "message", f.getDefaultMessage() == null ? "is invalid" : f.getDefaultMessage())));
    return errors;
  }

  /** A path or query value of the wrong type (the listing's {@code limit}, for instance). */
  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    ErrorResponseException problem = Problems.invalid(e.getName(), "has the wrong type");
    return respond(problem.getStatusCode(), problem.getBody(), problem.getHeaders(), request);
  }

  /**
   * A multipart body that cannot be parsed (no boundary, cut short): 400. Found by the reliability fuzz
   * suite; without this handler it fell through to the 500 below. (Too large is 413, handled above.)
   */
  @ExceptionHandler(MultipartException.class)
  ResponseEntity<ProblemDetail> malformedMultipart(MultipartException e, HttpServletRequest request) {
    ProblemDetail body = Problems.body(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
        "the multipart body cannot be read");
    return respond(HttpStatus.BAD_REQUEST, body, new HttpHeaders(), request);
  }

  /**
   * A query string Tomcat cannot decode (an invalid percent escape such as {@code ?%ZZ=1}), met when a
   * handler reads its parameters: 400. Found by the reliability fuzz suite (it was a 500).
   */
  @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
  ResponseEntity<ProblemDetail> undecodableQuery(Exception e, HttpServletRequest request) {
    ProblemDetail body = Problems.body(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
        "the query string cannot be decoded (invalid percent-encoding)");
    return respond(HttpStatus.BAD_REQUEST, body, new HttpHeaders(), request);
  }

  /** The database (or the connection pool in front of it) cannot be reached: 503, try again soon. */
  @ExceptionHandler({DataAccessResourceFailureException.class, CannotCreateTransactionException.class,
      TransientDataAccessResourceException.class, QueryTimeoutException.class})
  ResponseEntity<ProblemDetail> databaseUnavailable(Exception e, HttpServletRequest request) {
    log.warn("database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
    ProblemDetail body = Problems.body(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
        "the service cannot reach its database; retry shortly");
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, "5");
    return respond(HttpStatus.SERVICE_UNAVAILABLE, body, headers, request);
  }

  /**
   * Anything else is our fault: a generic 500 whose correlation id is in the log with the stack trace;
   * unless the database is what failed underneath (a lost connection surfacing as another exception, e.g.
   * a transaction whose rollback failed on the dead connection): that is 503 like any outage.
   */
  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    if (databaseUnreachable(e)) {
      return databaseUnavailable(e, request);
    }
    String correlationId = UUID.randomUUID().toString();
    log.error("unexpected error {} on {} {}", correlationId, request.getMethod(), request.getRequestURI(), e);
    ProblemDetail body = Problems.body(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
        "an unexpected error occurred; quote correlation_id " + correlationId + " when reporting it");
    body.setProperty("correlation_id", correlationId);
    return respond(HttpStatus.INTERNAL_SERVER_ERROR, body, new HttpHeaders(), request);
  }

  /**
   * Whether {@code e} or one of its causes says the database cannot be reached: Spring's resource-failure
   * exceptions, JDBC connection exceptions, SQLSTATE class 08 (connection exception) or PostgreSQL's
   * 57P01-57P03 (administrator or crash shutdown, cannot connect now). A failed rollback's original
   * exception counts too.
   */
  static boolean databaseUnreachable(@Nullable Throwable e) {
    for (int depth = 0; e != null && depth < 32; depth++, e = e.getCause()) {
      if (e instanceof DataAccessResourceFailureException || e instanceof CannotCreateTransactionException
          || e instanceof TransientDataAccessResourceException || e instanceof QueryTimeoutException
          || e instanceof java.sql.SQLTransientConnectionException
          || e instanceof java.sql.SQLNonTransientConnectionException) {
        return true;
      }
      if (e instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
          return true;
        }
      }
      if (e instanceof org.springframework.transaction.TransactionSystemException tx
          && tx.getOriginalException() != null && tx.getOriginalException() != e
          && databaseUnreachable(tx.getOriginalException())) {
        return true;
      }
    }
    return false;
  }

  private static ResponseEntity<ProblemDetail> respond(HttpStatusCode status, ProblemDetail body, HttpHeaders headers,
      HttpServletRequest request) {
    if (body.getInstance() == null) {
      body.setInstance(URI.create(request.getRequestURI()));
    }
    HttpHeaders out = new HttpHeaders();
    out.putAll(headers);
    out.setContentType(PROBLEM_JSON);
    return new ResponseEntity<>(body, out, status);
  }
}
