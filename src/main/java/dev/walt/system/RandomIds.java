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

  /** A version 4 (random) UUID, as {@link UUID#randomUUID()} makes. */
  public static UUID uuid() {
    byte[] b = bytes(16);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer buffer = ByteBuffer.wrap(b);
    return new UUID(buffer.getLong(), buffer.getLong());
  }

  /** {@code n} random bytes. */
  public static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.get().nextBytes(b);
    return b;
  }
}
