package dev.walt.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QueueHorizonTest {

  final AtomicLong now = new AtomicLong(1_000);
  final AtomicInteger reads = new AtomicInteger();
  final QueueHorizon.Key key = new QueueHorizon.Key(0, OffsetDateTime.parse("2026-12-05T00:00:00Z"), UUID.randomUUID());

  Optional<QueueHorizon.Key> read(int limit) {
    reads.incrementAndGet();
    return Optional.of(key);
  }

  @Test
  void aKeyIsReadOncePerTtlAndPerLimit() {
    QueueHorizon horizon = new QueueHorizon(Duration.ofMillis(250), now::get);
    assertThat(horizon.current(100, this::read)).contains(key);
    now.addAndGet(Duration.ofMillis(249).toNanos());
    assertThat(horizon.current(100, this::read)).contains(key);
    assertThat(reads).hasValue(1);
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(horizon.current(100, this::read)).contains(key);
    assertThat(reads).hasValue(2);
    // another limit is another key
    assertThat(horizon.current(50, this::read)).contains(key);
    assertThat(reads).hasValue(3);
  }

  @Test
  void anEmptyAnswerIsKeptTooAndMeansCount() {
    QueueHorizon horizon = new QueueHorizon(Duration.ofSeconds(1), now::get);
    assertThat(horizon.current(100, limit -> {
      reads.incrementAndGet();
      return Optional.empty();
    })).isEmpty();
    assertThat(horizon.current(100, this::read)).isEmpty();
    assertThat(reads).hasValue(1);
  }

  @Test
  void aDepartureDropsTheKeyAndOneDuringTheReadIsNotKept() {
    QueueHorizon horizon = new QueueHorizon(Duration.ofSeconds(10), now::get);
    assertThat(horizon.current(100, this::read)).contains(key);
    horizon.invalidate();
    assertThat(horizon.current(100, this::read)).contains(key);
    assertThat(reads).hasValue(2);
    // a job leaves while the key is being read: this answer counts, and the next request reads again
    assertThat(horizon.current(100, limit -> {
      horizon.invalidate();
      return read(limit);
    })).contains(key); // the cached one: no read was needed yet
    horizon.invalidate();
    assertThat(horizon.current(100, limit -> {
      horizon.invalidate();
      return read(limit);
    })).isEmpty();
    assertThat(horizon.current(100, this::read)).contains(key);
    assertThat(reads).hasValue(4);
  }

  @Test
  void whileOneRequestReadsTheKeyTheOthersCountInsteadOfWaiting() throws Exception {
    QueueHorizon horizon = new QueueHorizon(Duration.ofSeconds(10), now::get);
    CountDownLatch inRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Optional<QueueHorizon.Key>> slow = pool.submit(() -> horizon.current(100, limit -> {
        inRead.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return read(limit);
      }));
      assertThat(inRead.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(horizon.current(100, this::read)).isEmpty();
      release.countDown();
      assertThat(slow.get(10, TimeUnit.SECONDS)).contains(key);
      assertThat(horizon.current(100, this::read)).contains(key);
      assertThat(reads).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aZeroTtlOrLimitNeverReads() {
    assertThat(new QueueHorizon(Duration.ZERO, now::get).current(100, this::read)).isEmpty();
    assertThat(new QueueHorizon(Duration.ofSeconds(1), now::get).current(0, this::read)).isEmpty();
    assertThat(reads).hasValue(0);
    assertThatThrownBy(() -> new QueueHorizon(Duration.ofMillis(-1), now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
