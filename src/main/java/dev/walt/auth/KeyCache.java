package dev.walt.auth;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Authenticated keys by their hash, each trusted until a deadline on the monotonic clock. Only
 * successful lookups are kept (an unknown key is looked up every time, so a new key works at once);
 * the key itself is never held, only its HMAC. Bounded: when full, expired entries are dropped, and
 * if that is not enough the cache starts over.
 */
final class KeyCache {

  private record Entry(Caller caller, long expiresAtNanos) {}

  private final ConcurrentHashMap<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();
  /** Grows with every {@link #forget}: a lookup that started before one is not remembered. */
  private final AtomicLong revocations = new AtomicLong();
  private final long ttlNanos;
  private final int maxKeys;
  private final LongSupplier nanoClock;

  KeyCache(KeyCacheSettings settings, LongSupplier nanoClock) {
    this.ttlNanos = settings.ttl().toNanos();
    this.maxKeys = settings.maxKeys();
    this.nanoClock = nanoClock;
  }

  /** The cached caller of this key hash, else the lookup's answer (remembered when present). */
  Optional<Caller> get(byte[] keyHash, Supplier<Optional<Caller>> lookup) {
    if (ttlNanos <= 0) {
      return lookup.get();
    }
    ByteBuffer id = ByteBuffer.wrap(keyHash.clone());
    long now = nanoClock.getAsLong();
    Entry entry = entries.get(id);
    if (entry != null && now - entry.expiresAtNanos() < 0) {
      return Optional.of(entry.caller());
    }
    long revocationsBefore = revocations.get();
    Optional<Caller> found = lookup.get();
    if (found.isPresent() && revocations.get() == revocationsBefore) {
      if (entries.size() >= maxKeys) {
        entries.values().removeIf(e -> now - e.expiresAtNanos() >= 0);
        if (entries.size() >= maxKeys) {
          entries.clear();
        }
      }
      entries.put(id, new Entry(found.get(), now + ttlNanos));
    } else if (found.isEmpty()) {
      entries.remove(id);
    }
    return found;
  }

  /** Forgets every entry of this API key (it was revoked here). */
  void forget(UUID apiKeyId) {
    revocations.incrementAndGet();
    entries.values().removeIf(e -> e.caller().apiKeyId().equals(apiKeyId));
  }

  int size() {
    return entries.size();
  }
}
