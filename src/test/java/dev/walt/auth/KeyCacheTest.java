package dev.walt.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The authenticated-key cache on a hand-driven clock. */
class KeyCacheTest {

  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final AtomicInteger lookups = new AtomicInteger();
  final Caller caller = new Caller(UUID.randomUUID(), UUID.randomUUID(), 600, 20, null);

  Supplier<Optional<Caller>> found(Caller c) {
    return () -> {
      lookups.incrementAndGet();
      return Optional.of(c);
    };
  }

  Supplier<Optional<Caller>> notFound() {
    return () -> {
      lookups.incrementAndGet();
      return Optional.empty();
    };
  }

  KeyCache cache(Duration ttl, int maxKeys) {
    return new KeyCache(new KeyCacheSettings(ttl, maxKeys), clock::get);
  }

  @Test
  void aKeyIsLookedUpOncePerTtl() {
    KeyCache cache = cache(Duration.ofSeconds(5), 100);
    byte[] hash = {1, 2, 3};
    assertThat(cache.get(hash, found(caller))).contains(caller);
    clock.addAndGet(Duration.ofMillis(4_999).toNanos());
    assertThat(cache.get(new byte[] {1, 2, 3}, found(caller))).contains(caller);
    assertThat(lookups).hasValue(1);
    clock.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(cache.get(hash, found(caller))).contains(caller);
    assertThat(lookups).hasValue(2);
  }

  @Test
  void anUnknownOrRevokedKeyIsNeverRemembered() {
    KeyCache cache = cache(Duration.ofSeconds(5), 100);
    byte[] hash = {9};
    assertThat(cache.get(hash, notFound())).isEmpty();
    assertThat(cache.get(hash, notFound())).isEmpty();
    assertThat(lookups).hasValue(2);
    // once it exists it is found at once, without waiting for anything to expire
    assertThat(cache.get(hash, found(caller))).contains(caller);
    // and when the database says it is gone (after the ttl), the entry goes too
    clock.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(cache.get(hash, notFound())).isEmpty();
    assertThat(cache.size()).isZero();
  }

  @Test
  void forgettingAKeyMakesTheNextRequestLookItUp() {
    KeyCache cache = cache(Duration.ofSeconds(5), 100);
    byte[] hash = {4};
    cache.get(hash, found(caller));
    cache.forget(caller.apiKeyId());
    assertThat(cache.get(hash, notFound())).isEmpty();
    assertThat(lookups).hasValue(2);
  }

  @Test
  void aLookupRacingWithARevocationIsNotRemembered() {
    KeyCache cache = cache(Duration.ofSeconds(5), 100);
    byte[] hash = {5};
    // the lookup read the key before the revocation committed; the revocation is then announced
    Supplier<Optional<Caller>> staleRead = () -> {
      lookups.incrementAndGet();
      cache.forget(caller.apiKeyId());
      return Optional.of(caller);
    };
    assertThat(cache.get(hash, staleRead)).contains(caller);
    assertThat(cache.get(hash, notFound())).isEmpty();
    assertThat(lookups).hasValue(2);
  }

  @Test
  void theCacheIsBounded() {
    KeyCache cache = cache(Duration.ofSeconds(5), 3);
    for (byte i = 0; i < 10; i++) {
      cache.get(new byte[] {i}, found(new Caller(UUID.randomUUID(), UUID.randomUUID(), 1, 1, null)));
      assertThat(cache.size()).isBetween(1, 3);
    }
  }

  @Test
  void aZeroTtlTurnsTheCacheOff() {
    KeyCache cache = cache(Duration.ZERO, 100);
    byte[] hash = {7};
    cache.get(hash, found(caller));
    cache.get(hash, found(caller));
    assertThat(lookups).hasValue(2);
    assertThat(cache.size()).isZero();
  }
}
