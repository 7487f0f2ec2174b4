package dev.walt.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.testing.WaltIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Several API replicas against one real PostgreSQL, each with its own caches (here: several
 * {@link RateLimiter} and {@link ApiKeys} instances on the same database): the rate limit holds for
 * all of them together, and a revoked key stops working everywhere within the key cache's ttl.
 */
@WaltIntegrationTest(properties = {"walt.worker.enabled=false", "walt.auth.key-cache.ttl=1s"})
class ApiKeyReplicasIT {

  @Autowired ApiKeys keys;
  @Autowired KeyHasher hasher;
  @Autowired JdbcClient jdbc;
  @Autowired KeyCacheSettings cacheSettings;

  ApiKeys.CreatedKey newKey(int requestsPerMinute) {
    ApiKeys.Tenant tenant = keys.createTenant("replicas");
    return keys.createKey(tenant.id(), "k", new ApiKeys.KeyOptions(requestsPerMinute, 20, null)).orElseThrow();
  }

  /** Waits out the end of the database's minute when it is close, so that the test runs in one window. */
  void awayFromAWindowEnd() throws InterruptedException {
    double second = jdbc.sql("SELECT extract(second FROM now())").query(Double.class).single();
    if (second > 45) {
      Thread.sleep((long) ((60.5 - second) * 1000));
    }
  }

  @Test
  void replicasTogetherAdmitExactlyTheLimit() throws Exception {
    int limit = 300;
    ApiKeys.CreatedKey key = newKey(limit);
    List<RateLimiter> replicas = List.of(
        new RateLimiter(new RateWindows(jdbc)), new RateLimiter(new RateWindows(jdbc)), new RateLimiter(new RateWindows(jdbc)));
    awayFromAWindowEnd();
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger badRefusals = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 150; i++) {
          RateLimiter.Window w = replicas.get(ThreadLocalRandom.current().nextInt(replicas.size()))
              .hit(key.info().id(), limit);
          (w.exceeded() ? refused : admitted).incrementAndGet();
          if (w.exceeded() && (w.remaining() != 0 || w.resetSeconds() < 1 || w.resetSeconds() > 60)) {
            badRefusals.incrementAndGet();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(admitted.get()).isEqualTo(limit);
    assertThat(refused.get()).isEqualTo(6 * 150 - limit);
    assertThat(badRefusals).hasValue(0);
    // the shared row counts what was handed out, in far fewer writes than requests
    long counted = jdbc.sql("SELECT request_count FROM api_rate_windows WHERE api_key_id = ?")
        .param(key.info().id()).query(Long.class).single();
    assertThat(counted).isGreaterThanOrEqualTo(limit).isLessThan(6 * 150);
  }

  @Test
  void aRevokedKeyIsRefusedHereAtOnceAndElsewhereWithinTheTtl() throws Exception {
    assertThat(cacheSettings.ttl()).isEqualTo(Duration.ofSeconds(1));
    ApiKeys.CreatedKey key = newKey(600);
    ApiKeys otherReplica = new ApiKeys(jdbc, hasher, cacheSettings);
    assertThat(keys.authenticate(key.key())).isPresent();
    assertThat(otherReplica.authenticate(key.key())).isPresent();

    keys.revoke(key.info().id());
    long revokedAt = System.nanoTime();
    assertThat(keys.authenticate(key.key())).isEmpty();
    // the other replica trusts its lookup until the ttl is over, then asks again
    boolean stillCached = otherReplica.authenticate(key.key()).isPresent();
    if (System.nanoTime() - revokedAt < Duration.ofMillis(900).toNanos()) {
      assertThat(stillCached).isTrue();
    }
    Thread.sleep(1_100);
    assertThat(otherReplica.authenticate(key.key())).isEmpty();
  }
}
