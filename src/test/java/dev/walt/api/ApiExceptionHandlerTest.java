package dev.walt.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.TransactionSystemException;

class ApiExceptionHandlerTest {

  private final ApiExceptionHandler handler = new ApiExceptionHandler();

  /** What a create saw in DatabaseOutageIT: the insert failed, then its rollback on the dead connection. */
  private static TransactionSystemException rollbackOnADeadConnection() {
    return new TransactionSystemException("JDBC rollback failed",
        new PSQLException("This connection has been closed.", PSQLState.CONNECTION_DOES_NOT_EXIST));
  }

  @Test
  void aLostConnectionUnderAnotherExceptionIsAnOutage() {
    assertThat(ApiExceptionHandler.databaseUnreachable(rollbackOnADeadConnection())).isTrue();
    assertThat(ApiExceptionHandler.databaseUnreachable(
        new IllegalStateException("wrapped", new SQLException("terminating connection", "57P01")))).isTrue();
    TransactionSystemException original = new TransactionSystemException("rollback failed");
    original.initApplicationException(new PSQLException("I/O error", PSQLState.CONNECTION_FAILURE));
    assertThat(ApiExceptionHandler.databaseUnreachable(original)).isTrue();
  }

  @Test
  void otherFailuresAreNotAnOutage() {
    assertThat(ApiExceptionHandler.databaseUnreachable(new IllegalStateException("bug"))).isFalse();
    assertThat(ApiExceptionHandler.databaseUnreachable(
        new DataIntegrityViolationException("duplicate", new SQLException("duplicate key", "23505")))).isFalse();
    assertThat(ApiExceptionHandler.databaseUnreachable(new SQLException("no state"))).isFalse();
  }

  @Test
  void anOutageUnderAnotherExceptionIs503WithRetryAfterAndABugIs500() {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/videos");
    ResponseEntity<ProblemDetail> outage = handler.unexpected(rollbackOnADeadConnection(), request);
    assertThat(outage.getStatusCode().value()).isEqualTo(503);
    assertThat(outage.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
    assertThat(outage.getBody().getType().toString()).endsWith("/service-unavailable");
    ResponseEntity<ProblemDetail> bug = handler.unexpected(new IllegalStateException("bug"), request);
    assertThat(bug.getStatusCode().value()).isEqualTo(500);
  }
}
