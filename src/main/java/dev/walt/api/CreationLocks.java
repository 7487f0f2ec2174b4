package dev.walt.api;

import dev.walt.jobs.CreationSlot;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The creation slots of an API key: {@code walt.api.create-slots} (S) transaction-scoped PostgreSQL
 * advisory locks per key, shared by every replica, that keep the active-job limit exact without making
 * all creates of a key wait for each other.
 *
 * <p>Every create holds at least one slot from before it counts the key's active jobs until it
 * commits, so at most S creates of a key are ever counted-but-not-committed. A create holding one slot
 * therefore may insert while the count leaves room for S (count + S &lt;= limit): even if every other
 * slot holder inserts too, the limit holds. Closer to the limit a create takes <em>all</em> slots
 * (waiting for the others to commit), and its count is then exact. Slots are always taken in ascending
 * order when waiting for all of them, and a create waits for a single slot only while it holds none,
 * so creates never deadlock on them.
 *
 * <p>Slot 0 is the lock that creates took before slots existed, so that an older replica (one lock
 * per key) and a newer one exclude each other while both run during a rolling upgrade.
 */
@Component
class CreationLocks {

  private final JdbcClient jdbc;
  private final int slots;

  CreationLocks(JdbcClient jdbc, ApiSettings settings) {
    this.jdbc = jdbc;
    this.slots = settings.createSlots();
  }

  /**
   * Takes one slot of the key: the first free one; if all are taken, waits for a random one
   * ({@link CreationSlot}). Held until the current transaction ends. Call inside a transaction, holding
   * no slot of this key yet.
   *
   * @return how many jobs had been inserted so far (the value of {@code video_jobs_created_seq}), read
   *     in this statement once the slot was granted, so before anything the caller's next statements see
   */
  long takeOneSlot(UUID apiKeyId) {
    return CreationSlot.of(apiKeyId, slots).bind(jdbc.sql("SELECT " + CreationSlot.TAKE_ONE))
        .query(Long.class)
        .single();
  }

  /**
   * Takes every slot of the key, in ascending order, waiting for the creates that hold them: until the
   * current transaction ends no other create of this key runs. Call inside a transaction, holding no
   * slot of this key yet.
   */
  void takeAllSlots(UUID apiKeyId) {
    jdbc.sql("""
            SELECT count(*) FROM (
                SELECT pg_advisory_xact_lock(hashtextextended(CASE WHEN s = 0 THEN :base ELSE :base || ':' || s END, 0))
                FROM generate_series(0, :slots - 1) AS s) AS locked""")
        .param("slots", slots)
        .param("base", "creates:" + apiKeyId)
        .query(Long.class)
        .single();
  }
}
