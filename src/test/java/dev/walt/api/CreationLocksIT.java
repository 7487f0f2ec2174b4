package dev.walt.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.testing.WaltIntegrationTest;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The creation slots on a real PostgreSQL: creates holding one slot of a key run side by side, a
 * create taking all slots waits for them (and they for it), and a create finding every slot taken
 * waits for one instead of failing.
 */
@WaltIntegrationTest(properties = {"walt.worker.enabled=false", "walt.api.create-slots=3"})
class CreationLocksIT {

  @Autowired CreationLocks locks;
  @Autowired TransactionTemplate transactions;

  /** Runs {@code body} in a transaction on another thread that commits only when {@code release} opens. */
  CompletableFuture<Long> holding(Runnable body, CountDownLatch taken, CountDownLatch release) {
    return CompletableFuture.supplyAsync(() -> transactions.execute(tx -> {
      body.run();
      long at = System.nanoTime();
      taken.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return at;
    }));
  }

  @Test
  void oneSlotCreatesRunSideBySideAndAnAllSlotsCreateWaitsForThem() throws Exception {
    UUID key = UUID.randomUUID();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch taken = new CountDownLatch(3);
    var a = holding(() -> locks.takeOneSlot(key), taken, release);
    var b = holding(() -> locks.takeOneSlot(key), taken, release);
    var c = holding(() -> locks.takeOneSlot(key), taken, release);
    // three slots: all three hold one at the same time
    assertThat(taken.await(20, TimeUnit.SECONDS)).isTrue();

    CountDownLatch exclusiveTaken = new CountDownLatch(1);
    CountDownLatch releaseExclusive = new CountDownLatch(1);
    var exclusive = holding(() -> locks.takeAllSlots(key), exclusiveTaken, releaseExclusive);
    // a fourth one-slot create finds no free slot and waits too
    CountDownLatch fourthTaken = new CountDownLatch(1);
    CountDownLatch releaseFourth = new CountDownLatch(1);
    var fourth = holding(() -> locks.takeOneSlot(key), fourthTaken, releaseFourth);
    assertThat(exclusiveTaken.await(500, TimeUnit.MILLISECONDS)).isFalse();

    long released = System.nanoTime();
    release.countDown();
    a.get(20, TimeUnit.SECONDS);
    b.get(20, TimeUnit.SECONDS);
    c.get(20, TimeUnit.SECONDS);
    // whichever of the two waiting creates goes first, they never overlap
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (exclusiveTaken.getCount() > 0 && fourthTaken.getCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    boolean exclusiveFirst = exclusiveTaken.getCount() == 0;
    assertThat(exclusiveFirst || fourthTaken.getCount() == 0).isTrue();
    CountDownLatch second = exclusiveFirst ? fourthTaken : exclusiveTaken;
    assertThat(second.await(300, TimeUnit.MILLISECONDS)).isFalse();
    (exclusiveFirst ? releaseExclusive : releaseFourth).countDown();
    assertThat(second.await(20, TimeUnit.SECONDS)).isTrue();
    (exclusiveFirst ? releaseFourth : releaseExclusive).countDown();
    assertThat(exclusive.get(20, TimeUnit.SECONDS)).isGreaterThan(released);
    fourth.get(20, TimeUnit.SECONDS);
  }

  @Test
  void slotsOfDifferentKeysAreIndependent() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch taken = new CountDownLatch(2);
    var a = holding(() -> locks.takeAllSlots(UUID.randomUUID()), taken, release);
    var b = holding(() -> locks.takeAllSlots(UUID.randomUUID()), taken, release);
    assertThat(taken.await(20, TimeUnit.SECONDS)).isTrue();
    release.countDown();
    a.get(20, TimeUnit.SECONDS);
    b.get(20, TimeUnit.SECONDS);
  }
}
