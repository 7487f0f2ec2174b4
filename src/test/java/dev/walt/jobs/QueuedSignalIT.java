package dev.walt.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.testing.WaltIntegrationTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The workers' wake-up after a create, heard on a LISTEN connection of the test's own: sent only after the
 * commit, never for a rolled-back create (the coalescing: {@code QueuedSignalTest}).
 */
@WaltIntegrationTest(properties = "walt.worker.enabled=false")
class QueuedSignalIT {

  @Autowired VideoJobs jobs;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  @Autowired TransactionTemplate tx;

  JobFixtures.Tenant tenant;
  Connection listener;

  @BeforeEach
  void listen() throws SQLException {
    tenant = JobFixtures.tenant(jdbc, null);
    listener = dataSource.getConnection();
    listener.setAutoCommit(true);
    try (Statement st = listener.createStatement()) {
      st.execute("LISTEN " + JobRepository.CHANNEL);
    }
  }

  @AfterEach
  void close() throws SQLException {
    try (Statement st = listener.createStatement()) {
      st.execute("UNLISTEN *");
    }
    listener.close();
  }

  /** The 'queued' notifications that arrive within {@code millis}. */
  List<String> heard(int millis) throws SQLException {
    List<String> payloads = new ArrayList<>();
    long deadline = System.nanoTime() + millis * 1_000_000L;
    PGConnection pg = listener.unwrap(PGConnection.class);
    while (System.nanoTime() < deadline) {
      PGNotification[] got = pg.getNotifications((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
      if (got != null) {
        for (PGNotification n : got) {
          if (n.getParameter().equals(JobNotifications.QUEUED)) {
            payloads.add(n.getParameter());
          }
        }
      }
    }
    return payloads;
  }

  @Test
  void theWorkersAreSignalledOnlyOnceTheCreateIsCommitted() throws Exception {
    tx.executeWithoutResult(status -> {
      jobs.create(UUID.randomUUID(), tenant.job("in a transaction"));
      try {
        assertThat(heard(300)).isEmpty();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(heard(2_000)).isNotEmpty();
  }

  @Test
  void aRolledBackCreateSignalsNothing() throws Exception {
    tx.executeWithoutResult(status -> {
      jobs.create(UUID.randomUUID(), tenant.job("rolled back"));
      status.setRollbackOnly();
    });
    assertThat(heard(700)).isEmpty();
  }
}
