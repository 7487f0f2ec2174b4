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
    try (QueuedSignal signal = new QueuedSignal(sent::incrementAndGet)) {
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
    })) {
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
  void afterCloseASignalIsDroppedNotThrown() {
    QueuedSignal signal = new QueuedSignal(sent::incrementAndGet);
    signal.close();
    signal.signal(); // nothing in flight: this caller still sends
    assertThat(sent).hasValue(1);
  }
}
