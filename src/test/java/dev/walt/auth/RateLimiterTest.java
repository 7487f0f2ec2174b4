package dev.walt.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The rate limiter's token reservations against an in-memory model of {@code api_rate_windows} (the
 * statement's arithmetic, on a clock the test moves): replicas together never admit more than the
 * limit, a busy key costs few writes, refused requests cost none, and windows start over.
 */
class RateLimiterTest {

  /** The database: minute windows on its own clock, one count per key, one call at a time. */
  static final class Windows implements RateLimiter.Store {
    final AtomicLong clockNanos;
    final Map<UUID, long[]> rows = new HashMap<>(); // key -> {window start ms, count}
    final AtomicInteger calls = new AtomicInteger();

    Windows(AtomicLong clockNanos) {
      this.clockNanos = clockNanos;
    }

    @Override
    public synchronized RateLimiter.Reservation reserve(UUID apiKeyId, long tokens) {
      calls.incrementAndGet();
      long nowMs = clockNanos.get() / 1_000_000;
      long start = nowMs / 60_000 * 60_000;
      long[] row = rows.computeIfAbsent(apiKeyId, k -> new long[] {start, 0});
      if (row[0] != start) {
        row[0] = start;
        row[1] = 0;
      }
      row[1] += tokens;
      return new RateLimiter.Reservation(start, row[1], start + 60_000 - nowMs);
    }
  }

  final AtomicLong clock = new AtomicLong(Duration.ofDays(20_000).toNanos() + Duration.ofSeconds(1).toNanos());
  final Windows windows = new Windows(clock);
  final UUID key = UUID.randomUUID();

  RateLimiter replica() {
    return new RateLimiter(windows, clock::get);
  }

  @Test
  void aSmallLimitIsCountedOneTokenAtATime() {
    RateLimiter limiter = replica();
    for (int i = 1; i <= 3; i++) {
      RateLimiter.Window w = limiter.hit(key, 3);
      assertThat(w.exceeded()).isFalse();
      assertThat(w.remaining()).isEqualTo(3 - i);
      assertThat(w.resetSeconds()).isEqualTo(59);
    }
    assertThat(windows.calls).hasValue(3);
    RateLimiter.Window refused = limiter.hit(key, 3);
    assertThat(refused.exceeded()).isTrue();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.resetSeconds()).isEqualTo(59);
    // the third reservation took the window's last token: the refusal needed no write
    assertThat(windows.calls).hasValue(3);
  }

  @Test
  void refusedRequestsWriteNothingUntilTheWindowEnds() {
    RateLimiter limiter = replica();
    for (int i = 0; i < 5; i++) {
      limiter.hit(key, 5);
    }
    assertThat(limiter.hit(key, 5).exceeded()).isTrue();
    int calls = windows.calls.get();
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.hit(key, 5).exceeded()).isTrue();
    }
    assertThat(windows.calls).hasValue(calls);
    // the next window admits the key again
    clock.addAndGet(Duration.ofSeconds(59).toNanos());
    RateLimiter.Window next = limiter.hit(key, 5);
    assertThat(next.exceeded()).isFalse();
    assertThat(next.remaining()).isEqualTo(4);
    assertThat(windows.calls).hasValue(calls + 1);
  }

  @Test
  void aBusyKeyTakesManyTokensPerWrite() {
    RateLimiter limiter = replica();
    int admitted = 0;
    for (int i = 0; i < 100_000; i++) {
      clock.addAndGet(Duration.ofNanos(10_000).toNanos()); // 100,000 requests/s, for one second
      admitted += limiter.hit(key, 1_000_000_000).exceeded() ? 0 : 1;
    }
    assertThat(admitted).isEqualTo(100_000);
    assertThat(windows.calls.get()).isLessThan(100);
  }

  @Test
  void withOneReplicaRemainingIsExact() {
    RateLimiter limiter = replica();
    for (int i = 1; i <= 1000; i++) {
      RateLimiter.Window w = limiter.hit(key, 1000);
      assertThat(w.exceeded()).isFalse();
      assertThat(w.remaining()).isEqualTo(1000 - i);
    }
    assertThat(limiter.hit(key, 1000).exceeded()).isTrue();
  }

  @Test
  void tokensOfAnEndedWindowAreNotSpentInTheNext() {
    RateLimiter limiter = replica();
    for (int i = 0; i < 200; i++) {
      limiter.hit(key, 16_000); // reservations grow: tokens are left over at the end of the window
    }
    long before = windows.calls.get();
    clock.addAndGet(Duration.ofSeconds(59).toNanos());
    RateLimiter.Window first = limiter.hit(key, 16_000);
    // one reservation in the new window (as big as the traffic asked for before); what was left of the
    // old one is not counted as this window's: one request used, the rest of the limit remains
    assertThat(windows.calls.get()).isEqualTo(before + 1);
    assertThat(windows.rows.get(key)[1]).isGreaterThan(1).isLessThanOrEqualTo(16_000 / 16);
    assertThat(first.remaining()).isEqualTo(16_000 - 1);
  }

  @Test
  void theNextTokensAreTakenBeforeTheBucketRunsDry() throws Exception {
    java.util.concurrent.CountDownLatch inStore = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean block = new java.util.concurrent.atomic.AtomicBoolean();
    RateLimiter limiter = new RateLimiter((apiKeyId, tokens) -> {
      if (block.get()) {
        inStore.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return windows.reserve(apiKeyId, tokens);
    }, clock::get);
    // a frozen clock: every reservation runs out "at once", so they double: 1, 2, 4, 8, ...
    int before = 0;
    while (windows.calls.get() < 5) {
      limiter.hit(key, 1_000_000);
      before++;
    }
    assertThat(before).isLessThan(1 + 2 + 4 + 8 + 16);
    // the next refill blocks in the database; the request that started it was admitted already...
    block.set(true);
    AtomicInteger refillers = new AtomicInteger();
    Thread refiller = new Thread(() -> {
      while (windows.calls.get() < 6 && inStore.getCount() > 0) {
        limiter.hit(key, 1_000_000);
        refillers.incrementAndGet();
      }
    });
    refiller.start();
    assertThat(inStore.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // ...and while it waits, others are still served from what is left, without waiting
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.hit(key, 1_000_000).exceeded()).isFalse();
    }
    release.countDown();
    refiller.join(10_000);
    assertThat(windows.calls).hasValue(6);
  }

  @Test
  void replicasTogetherNeverAdmitMoreThanTheLimit() throws Exception {
    List<RateLimiter> replicas = List.of(replica(), replica(), replica(), replica());
    int limit = 2_000;
    AtomicInteger admitted = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 1_000; i++) {
          RateLimiter replica = replicas.get(ThreadLocalRandom.current().nextInt(replicas.size()));
          if (!replica.hit(key, limit).exceeded()) {
            admitted.incrementAndGet();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    // never more than the limit; and since every replica keeps being asked after the window ran out,
    // each one spends what it had reserved: exactly the limit
    assertThat(admitted.get()).isEqualTo(limit);
    assertThat(windows.calls.get()).isLessThan(limit / 2);
  }
}
