package dev.walt.auth;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Requests per minute per API key, across every API replica: a fixed one-minute window per key,
 * aligned on the database clock, whose tokens replicas take from PostgreSQL in batches.
 *
 * <p>The shared row of a key ({@code api_rate_windows}, see {@link RateWindows}) counts the tokens
 * handed out in the current window. A replica takes several at once with one statement (a
 * <em>reservation</em>) and spends them locally, one per request, without a database round trip; a
 * reservation never receives more than the window has left, so <strong>all replicas together never
 * admit more than the limit in a window</strong>. The price is that tokens a replica reserved but did not
 * spend by the end of the window are lost; reservations are therefore kept small: about 100 ms of the
 * key's traffic on this replica (doubling while they run out faster, halving while they last over a
 * second), at most 1/16 of the limit and at most 1/16 of what the window has left, so that near the
 * limit they shrink to one token at a time (the behaviour of a plain counter); a replica holds under
 * 1/10 of the limit at any time. A key with a limit under 16 always takes single tokens. The next
 * reservation is taken when half of the last one is spent, by the request that found the bucket
 * low (after it was admitted), so that requests rarely wait for the database. Once the window has
 * nothing left, this replica refuses the key's requests locally until the window ends, without writing
 * anything.
 *
 * <p>{@code RateLimit-Remaining} is exact with one replica; with several it is an estimate that
 * counts tokens other replicas reserved but have not spent yet as spent.
 */
@Component
public class RateLimiter {

  /** A reservation should last about this long before this replica needs the next. */
  private static final long TARGET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** A reservation that lasted longer than this was too big. */
  private static final long SLOW_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Reservations take at most this share (1/n) of the limit and of what the window has left. */
  private static final int SHARE = 16;
  private static final int SWEEP_ABOVE = 10_000;

  /**
   * The state of a window after counting one request.
   *
   * @param count requests in the current window, this one included (over {@code limit}: refused)
   * @param resetSeconds seconds until the window ends (at least 1)
   */
  public record Window(int limit, long count, long resetSeconds) {
    public boolean exceeded() {
      return count > limit;
    }

    public long remaining() {
      return Math.max(0, limit - count);
    }
  }

  /**
   * What the database answered to a reservation of {@code tokens} tokens.
   *
   * @param windowStartMillis the window (its start on the database clock, epoch milliseconds)
   * @param countAfter tokens requested in this window by all replicas, this reservation included
   * @param resetMillis milliseconds from the database's now to the end of the window
   */
  record Reservation(long windowStartMillis, long countAfter, long resetMillis) {

    /** How many of the requested tokens the window still had. */
    long granted(long requested, int limit) {
      return Math.max(0, Math.min(requested, limit - (countAfter - requested)));
    }
  }

  /** Takes tokens from a key's shared window. */
  interface Store {
    Reservation reserve(UUID apiKeyId, long tokens);
  }

  private final Store store;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<UUID, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();

  @Autowired
  RateLimiter(RateWindows windows) {
    this(windows::reserve, System::nanoTime);
  }

  RateLimiter(Store store, LongSupplier nanoClock) {
    this.store = store;
    this.nanoClock = nanoClock;
  }

  /** Counts one request of the key; the answer says whether it is over the limit. */
  public Window hit(UUID apiKeyId, int limit) {
    if ((hits.incrementAndGet() & 4095) == 0 && buckets.size() > SWEEP_ABOVE) {
      long now = nanoClock.getAsLong();
      buckets.values().removeIf(b -> b.idleSince(now));
    }
    return buckets.computeIfAbsent(apiKeyId, k -> new Bucket()).hit(apiKeyId, limit);
  }

  /** This replica's share of one key's window. */
  private final class Bucket {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition reservationDone = lock.newCondition();
    /** The database's window these tokens belong to; MIN_VALUE: none yet, or it ended. */
    private long windowStartMillis = Long.MIN_VALUE;
    /** When the window ends on this JVM's monotonic clock, never later than on the database's. */
    private long windowEndNanos;
    /** Reserved and not spent yet. */
    private long tokens;
    /** Tokens handed out to all replicas in this window, as of the last reservation (at most the limit). */
    private long taken;
    private boolean windowExhausted;
    private boolean reserving;
    private int waiting;
    private long chunk = 1;
    private long lastReservationNanos;

    Window hit(UUID apiKeyId, int limit) {
      lock.lock();
      try {
        while (true) {
          long now = nanoClock.getAsLong();
          if (windowStartMillis != Long.MIN_VALUE && now - windowEndNanos >= 0) {
            // the window is over: what was left of it is void, and the count starts again (the size of
            // the reservations, learnt from the key's traffic, is kept)
            windowStartMillis = Long.MIN_VALUE;
            tokens = 0;
            taken = 0;
            windowExhausted = false;
            lastReservationNanos = 0;
          }
          if (tokens > 0) {
            tokens--;
            long remaining = Math.max(0, Math.min(limit, limit - taken + tokens));
            Window admitted = new Window(limit, limit - remaining, resetSeconds(now));
            if (tokens < chunk / 2 && !reserving && !windowExhausted) {
              // running low: this request (already admitted) takes the next tokens for the ones after it,
              // so that they need not wait for the database
              reserve(apiKeyId, limit, now);
            }
            return admitted;
          }
          if (windowExhausted) {
            return new Window(limit, (long) limit + 1, resetSeconds(now));
          }
          if (reserving) {
            waiting++;
            try {
              reservationDone.awaitUninterruptibly();
            } finally {
              waiting--;
            }
            continue;
          }
          reserve(apiKeyId, limit, now);
        }
      } finally {
        lock.unlock();
      }
    }

    /** Takes the next tokens from the database; called and returns with the lock held. */
    private void reserve(UUID apiKeyId, int limit, long now) {
      long left = Math.max(1, limit - taken);
      long cap = Math.max(1, Math.min(limit / SHARE, left / SHARE));
      if (lastReservationNanos != 0) {
        long lasted = now - lastReservationNanos;
        if (lasted < TARGET_NANOS) {
          chunk = chunk * 2;
        } else if (lasted > SLOW_NANOS) {
          chunk = chunk / 2;
        }
      }
      chunk = Math.max(1, Math.min(chunk, cap));
      long wanted = Math.min(cap, Math.max(chunk, waiting + 1L));
      reserving = true;
      lock.unlock();
      long sentAt = nanoClock.getAsLong();
      Reservation r;
      try {
        r = store.reserve(apiKeyId, wanted);
      } finally {
        lock.lock();
        reserving = false;
        reservationDone.signalAll();
      }
      if (r.windowStartMillis() != windowStartMillis) {
        // the first reservation of this window here (tokens of an earlier window are void)
        windowStartMillis = r.windowStartMillis();
        tokens = 0;
      }
      // the database's now() came after sentAt, so this end is never later than the real one
      windowEndNanos = sentAt + TimeUnit.MILLISECONDS.toNanos(r.resetMillis());
      tokens += r.granted(wanted, limit);
      taken = Math.min(limit, r.countAfter());
      windowExhausted = r.countAfter() >= limit;
      lastReservationNanos = nanoClock.getAsLong();
    }

    private long resetSeconds(long now) {
      long nanos = windowEndNanos - now;
      return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    boolean idleSince(long now) {
      if (!lock.tryLock()) {
        return false;
      }
      try {
        return !reserving && waiting == 0 && (windowStartMillis == Long.MIN_VALUE || now - windowEndNanos >= 0);
      } finally {
        lock.unlock();
      }
    }
  }
}
