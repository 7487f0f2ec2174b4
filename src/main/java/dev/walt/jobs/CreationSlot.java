package dev.walt.jobs;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Which of an API key's creation slots a create takes (the slots and why they exist:
 * {@code dev.walt.api.CreationLocks}): the first free one, or, when every slot is held, a wait for
 * {@link #waitFor}, chosen at random. Slot {@code s} is the transaction-scoped advisory lock on
 * {@code hashtextextended('creates:<key>:<s>', 0)}, slot 0 on {@code 'creates:<key>'}.
 *
 * <p>{@link #TAKE_ONE} is the SQL expression that takes it and then reads how many jobs have been
 * inserted so far ({@code video_jobs_created_seq}): standalone in {@code CreationLocks}, and inside
 * the insert of {@link VideoJobs#createInOneSlot}, where lock, read and insert are one statement.
 * Each argument of its {@code COALESCE} is a scalar subquery that PostgreSQL evaluates only when it
 * is needed, so the waiting lock is taken only when no slot was free, and each reads the sequence only
 * after its lock was granted.
 *
 * @param base the name of slot 0, {@code creates:<key>}
 * @param slots how many slots the key has
 * @param waitFor the slot to wait for when none is free
 */
public record CreationSlot(String base, int slots, int waitFor) {

  /** How many jobs have been inserted so far: each arm of {@link #TAKE_ONE} reads it after its own lock. */
  private static final String INSERTED_SO_FAR =
      "(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM video_jobs_created_seq)";

  /** Parameters {@code :slotBase}, {@code :slots} and {@code :waitSlot} ({@link #bind}). */
  public static final String TAKE_ONE = """
      COALESCE(
          (SELECT %1$s
           FROM generate_series(0, CAST(:slots AS integer) - 1) AS s
           WHERE pg_try_advisory_xact_lock(hashtextextended(
               CASE WHEN s = 0 THEN CAST(:slotBase AS text) ELSE :slotBase || ':' || s END, 0))
           LIMIT 1),
          (SELECT %1$s
           FROM (SELECT pg_advisory_xact_lock(hashtextextended(CAST(:waitSlot AS text), 0))) AS locked))"""
      .formatted(INSERTED_SO_FAR);

  /** A slot of the key's {@code slots}: the first free one, else a wait for one chosen at random. */
  public static CreationSlot of(UUID apiKeyId, int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be at least 1, was " + slots);
    }
    return new CreationSlot("creates:" + apiKeyId, slots, ThreadLocalRandom.current().nextInt(slots));
  }

  /** The name of slot {@code s}. */
  public String name(int s) {
    return s == 0 ? base : base + ":" + s;
  }

  /** Binds the parameters of {@link #TAKE_ONE}. */
  public JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec) {
    return spec.param("slotBase", base).param("slots", slots).param("waitSlot", name(waitFor));
  }
}
