package dev.walt.system;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random identifiers from a cryptographically strong generator per thread. {@link UUID#randomUUID()}
 * draws from one shared {@code NativePRNG}, whose every call takes the same lock: with many request
 * threads creating jobs at once, they queued on it (seen in a profile of the API benchmark). Each
 * thread here has its own {@code DRBG} instance, seeded from the system's entropy source.
 */
public final class RandomIds {

  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(() -> {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  });

  private RandomIds() {}

  /**
   * A version 7 UUID (RFC 9562): the Unix time in milliseconds in its first 48 bits, then the version,
   * 12 random bits, the variant and 62 more random bits (74 in all). Ids made later sort after those made
   * in an earlier millisecond, so a B-tree on them takes each new id at its right edge instead of at a
   * random leaf: under a steady stream of inserts a random (version 4) primary key dirties a different
   * index page per insert, and after every checkpoint each page's first change writes the whole page to
   * the WAL (measured with pgbench: docs/benchmarks.md, "2026-12-07 morning"). The id reveals when it was made, as
   * the resource's {@code created_at} does anyway; the random bits keep it unguessable.
   */
  public static UUID timeOrderedUuid() {
    return timeOrderedUuid(System.currentTimeMillis());
  }

  static UUID timeOrderedUuid(long unixMillis) {
    ByteBuffer random = ByteBuffer.wrap(bytes(16));
    long high = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (random.getLong() & 0x0FFFL);
    long low = random.getLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L; // IETF variant
    return new UUID(high, low);
  }

  /** {@code n} random bytes. */
  public static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.get().nextBytes(b);
    return b;
  }
}
