package dev.walt.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueuedSignalTest {

  final AtomicInteger sent = new AtomicInteger();

  @Test
  void withNothingInFlightTheCallerSendsAtOnce() {
    try (QueuedSignal signal = new QueuedSignal(sent::incrementAndGet, Duration.ZERO)) {
      signal.signal();
      assertThat(sent).hasValue(1);
      signal.signal();
      assertThat(sent).hasValue(2);
    }
  }

  @Test
  void signalsDuringASendAreAnsweredByOneMoreSendNotOneEach() throws Exception {
    CountDownLatch inSend = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    try (QueuedSignal signal = new QueuedSignal(() -> {
      if (calls.incrementAndGet() == 1) {
        inSend.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      sent.incrementAndGet();
    }, Duration.ZERO)) {
      Thread first = new Thread(signal::signal);
      first.start();
      assertThat(inSend.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 500; i++) {
        signal.signal(); // returns at once: a send is in flight
      }
      assertThat(sent).hasValue(0);
      release.countDown();
      first.join(10_000);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sent).hasValue(2));
      Thread.sleep(100);
      assertThat(sent).hasValue(2);
    }
  }

  @Test
  void aSignalWithinTheSpacingOfTheLastSendIsAnsweredWhenTheSpacingHasPassed() {
    java.util.List<Long> times = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Duration spacing = Duration.ofSeconds(1);
    try (QueuedSignal signal = new QueuedSignal(() -> times.add(System.nanoTime()), spacing)) {
      signal.signal(); // after a quiet moment: sent at once, on this thread
      assertThat(times).hasSize(1);
      signal.signal(); // within the spacing: left to the sender thread
      signal.signal();
      assertThat(times).hasSize(1);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(times).hasSize(2));
      assertThat(times.get(1) - times.get(0)).isGreaterThanOrEqualTo(spacing.toNanos());
    }
  }

  @Test
  void aStreamOfSignalsGetsAtMostOneSendPerSpacingAndItsLastSignalIsAnswered() throws Exception {
    java.util.List<Long> times = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Duration spacing = Duration.ofMillis(20);
    try (QueuedSignal signal = new QueuedSignal(() -> times.add(System.nanoTime()), spacing)) {
      long start = System.nanoTime();
      long end = start + Duration.ofMillis(300).toNanos();
      Thread[] threads = new Thread[4];
      long[] lastSignal = new long[threads.length];
      for (int i = 0; i < threads.length; i++) {
        int k = i;
        threads[i] = new Thread(() -> {
          while (System.nanoTime() < end) {
            lastSignal[k] = System.nanoTime(); // before the signal: the send that answers it starts later
            signal.signal();
            Thread.onSpinWait();
          }
        });
        threads[i].start();
      }
      for (Thread t : threads) {
        t.join(10_000);
      }
      long last = java.util.Arrays.stream(lastSignal).max().orElseThrow();
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(times.get(times.size() - 1)).isGreaterThan(last));
      long elapsed = times.get(times.size() - 1) - start;
      assertThat((long) times.size()).isBetween(2L, elapsed / spacing.toNanos() + 1);
      for (int i = 1; i < times.size(); i++) {
        assertThat(times.get(i) - times.get(i - 1)).isGreaterThanOrEqualTo(spacing.toNanos());
      }
    }
  }

  @Test
  void afterCloseASignalIsDroppedNotThrown() {
    QueuedSignal signal = new QueuedSignal(sent::incrementAndGet, Duration.ZERO);
    signal.close();
    signal.signal(); // nothing in flight: this caller still sends
    assertThat(sent).hasValue(1);
  }
}
