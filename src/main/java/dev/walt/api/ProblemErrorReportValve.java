package dev.walt.api;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's last word on errors that never reach Spring MVC (a URI Tomcat refuses, say): a problem
 * ({@code application/problem+json}) instead of Tomcat's HTML page, without server details.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, @Nullable Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    HttpStatus known = HttpStatus.resolve(status);
    String slug = status == 404 ? "not-found" : status == 400 ? "malformed-request"
        : status >= 500 ? "internal-error" : known == null ? "error-" + status : known.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    String title = known == null ? "Error" : known.getReasonPhrase();
    String detail = status < 500 ? "the request cannot be processed" : "an unexpected error occurred";
    String body = "{\"type\":\"" + Problems.TYPE_BASE + slug + "\",\"title\":\"" + title + "\",\"status\":" + status
        + ",\"detail\":\"" + detail + "\"}";
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      PrintWriter writer = response.getReporter();
      if (writer != null) {
        writer.write(body);
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client is gone: nothing more to do
    }
  }
}
