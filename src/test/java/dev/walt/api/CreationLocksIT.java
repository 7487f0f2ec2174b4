package dev.walt.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.jobs.CreationSlot;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.VideoJobs;
import dev.walt.testing.WaltIntegrationTest;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The creation slots on a real PostgreSQL: creates holding one slot of a key run side by side, a
 * create taking all slots waits for them (and they for it), and a create finding every slot taken
 * waits for one instead of failing; the one-statement create takes its slot the same way.
 */
@WaltIntegrationTest(properties = {"walt.worker.enabled=false", "walt.api.create-slots=3"})
class CreationLocksIT {

  @Autowired CreationLocks locks;
  @Autowired TransactionTemplate transactions;
  @Autowired VideoJobs jobs;
  @Autowired JdbcClient jdbc;

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
  void theOneStatementCreateTakesASlotWaitsOnlyWhenAllAreHeldAndReleasesItAtItsCommit() throws Exception {
    JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, null);
    UUID key = tenant.apiKeyId();
    long sequence = createdSequence();

    // slot 2 held elsewhere, slots 0 and 1 free: the statement takes slot 0 and never waits for slot 2
    CountDownLatch twoTaken = new CountDownLatch(1);
    CountDownLatch releaseTwo = new CountDownLatch(1);
    var two = holding(() -> jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(:n, 0))")
        .param("n", "creates:" + key + ":2").query().listOfRows(), twoTaken, releaseTwo);
    assertThat(twoTaken.await(20, TimeUnit.SECONDS)).isTrue();
    var free = CompletableFuture.supplyAsync(() -> jobs.createInOneSlot(UUID.randomUUID(), tenant.job("free slot"),
        new CreationSlot("creates:" + key, 3, 2), sequence, 1_000));
    VideoJobs.Admission admitted = free.get(10, TimeUnit.SECONDS);
    assertThat(admitted.job()).isPresent();
    assertThat(admitted.queuePosition()).isGreaterThanOrEqualTo(0);
    releaseTwo.countDown();
    two.get(20, TimeUnit.SECONDS);
    assertThat(jobsOf(tenant)).isEqualTo(1);

    // every slot held: the statement waits for the one it drew, and inserts once that is released
    CountDownLatch allTaken = new CountDownLatch(1);
    CountDownLatch releaseAll = new CountDownLatch(1);
    var all = holding(() -> locks.takeAllSlots(key), allTaken, releaseAll);
    assertThat(allTaken.await(20, TimeUnit.SECONDS)).isTrue();
    var waiting = CompletableFuture.supplyAsync(() -> jobs.createInOneSlot(UUID.randomUUID(), tenant.job("waited"),
        CreationSlot.of(key, 3), sequence, 1_000));
    Thread.sleep(300);
    assertThat(waiting).isNotDone();
    assertThat(jobsOf(tenant)).isEqualTo(1);
    releaseAll.countDown();
    all.get(20, TimeUnit.SECONDS);
    assertThat(waiting.get(20, TimeUnit.SECONDS).job()).isPresent();
    assertThat(jobsOf(tenant)).isEqualTo(2);

    // more rows inserted since the count than the room allows: nothing is written
    VideoJobs.Admission refused = jobs.createInOneSlot(UUID.randomUUID(), tenant.job("no room"), CreationSlot.of(key, 3),
        createdSequence() - 5, 4);
    assertThat(refused.job()).isEmpty();
    // nor with a count taken after the sequence's present value (it went back: a restored database)
    assertThat(jobs.createInOneSlot(UUID.randomUUID(), tenant.job("went back"), CreationSlot.of(key, 3),
        createdSequence() + 1, 1_000).job()).isEmpty();
    assertThat(jobsOf(tenant)).isEqualTo(2);
    // each statement was its own transaction: its slot is free again
    CountDownLatch afterTaken = new CountDownLatch(1);
    CountDownLatch releaseAfter = new CountDownLatch(1);
    var after = holding(() -> locks.takeAllSlots(key), afterTaken, releaseAfter);
    assertThat(afterTaken.await(5, TimeUnit.SECONDS)).isTrue();
    releaseAfter.countDown();
    after.get(20, TimeUnit.SECONDS);
  }

  private long createdSequence() {
    return jdbc.sql("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM video_jobs_created_seq")
        .query(Long.class).single();
  }

  private long jobsOf(JobFixtures.Tenant tenant) {
    return jdbc.sql("SELECT count(*) FROM video_jobs WHERE tenant_id = :t").param("t", tenant.tenantId())
        .query(Long.class).single();
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
