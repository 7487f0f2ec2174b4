package dev.walt.jobs;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Where counting a queue position stops paying: the claim-order key (priority, created_at, id) of the
 * queued job that has exactly {@code limit} queued jobs ahead of it. Every queued job at or after that key
 * has at least {@code limit} ahead, so its {@code queue_position} is the limit ("this many or more")
 * without counting: in a deep queue, most reads and every create would otherwise walk {@code limit}
 * index entries (and their heap rows) each.
 *
 * <p>Each instance keeps the key it read last for {@code ttl}. Jobs leave the queue (claims,
 * cancellations, deletions) and only then can a job behind the key have fewer than {@code limit} ahead:
 * this instance's own departures drop the key at once ({@link #invalidate}); the statements that use the
 * key also check that its own job is still queued; other departures ahead of it are seen within {@code
 * ttl}, so a position at the limit can be reported up to {@code ttl} after it fell just below. A job with
 * fewer ahead (in front of the key, or any job while the queue holds at most {@code limit}) is always
 * counted exactly. One request reads the key at a time; the others meanwhile count exactly, so a slow
 * read never queues requests behind it.
 */
final class QueueHorizon {

  /** A claim-order key. */
  record Key(int priority, OffsetDateTime createdAt, UUID id) {}

  private record Snapshot(@Nullable Key key, int limit, long takenAt, long generation) {}

  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong generation = new AtomicLong();
  private final ReentrantLock reading = new ReentrantLock();
  private volatile @Nullable Snapshot snapshot;

  /**
   * @param ttl how long a key read from the database is used; zero turns the horizon off (every
   *     position is counted)
   */
  QueueHorizon(java.time.Duration ttl, LongSupplier nanoClock) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must be >= 0: " + ttl);
    }
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * The key for {@code limit}, read with {@code read} (given the limit; empty when at most {@code limit}
   * jobs are queued) when the one kept is older than the ttl or was dropped. Empty means: count.
   */
  Optional<Key> current(int limit, IntFunction<Optional<Key>> read) {
    if (ttlNanos == 0 || limit <= 0) {
      return Optional.empty();
    }
    Snapshot kept = snapshot;
    long now = nanoClock.getAsLong();
    if (kept != null && kept.limit() == limit && kept.generation() == generation.get()
        && now - kept.takenAt() < ttlNanos) {
      return Optional.ofNullable(kept.key());
    }
    if (!reading.tryLock()) {
      return Optional.empty();
    }
    try {
      long before = generation.get();
      long takenAt = nanoClock.getAsLong();
      Optional<Key> key = read.apply(limit);
      if (generation.get() != before) {
        // a job left the queue while the key was read: the key may predate it
        return Optional.empty();
      }
      snapshot = new Snapshot(key.orElse(null), limit, takenAt, before);
      return key;
    } finally {
      reading.unlock();
    }
  }

  /** A job left the queue through this instance: the key kept may now be too early. */
  void invalidate() {
    generation.incrementAndGet();
  }
}
