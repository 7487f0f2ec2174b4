package dev.walt.api;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Transaction-scoped PostgreSQL advisory locks that serialise the creates of one API key. */
@Component
class CreationLocks {

  private final JdbcClient jdbc;

  CreationLocks(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Waits for the key's lock, held until the current transaction ends. Call inside a transaction. */
  void lockCreates(UUID apiKeyId) {
    jdbc.sql("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(?, 0))) AS locked")
        .param("creates:" + apiKeyId)
        .query(Long.class)
        .single();
  }
}
