package dev.walt.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import dev.walt.system.DatabaseSettings;
import dev.walt.system.WaltSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Hashes API keys with HMAC-SHA256 under the server pepper, so that a copy of the database alone does
 * not let anyone use a key. The pepper comes from {@code walt.auth.pepper}, or is generated once into
 * {@code walt.auth.pepper-file}.
 */
@Component
class KeyHasher {

  private static final Logger log = LoggerFactory.getLogger(KeyHasher.class);
  private static final int MIN_PEPPER_CHARS = 32;

  private final SecretKeySpec pepper;
  /** A Mac is not thread-safe, and looking one up and keying it costs more than the hash: one per thread. */
  private final ThreadLocal<Mac> macs;

  KeyHasher(AuthSettings settings, WaltSettings walt, DatabaseSettings database) {
    this.pepper = new SecretKeySpec(loadPepper(settings, walt, database).getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  byte[] hash(String key) {
    // doFinal resets the Mac to its keyed initial state, ready for the next key
    return macs.get().doFinal(key.getBytes(StandardCharsets.UTF_8));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(pepper);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Constant-time comparison of two secrets of any length (compares their SHA-256 digests). */
  static boolean secretsEqual(String a, String b) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] da = sha.digest(a.getBytes(StandardCharsets.UTF_8));
      byte[] db = sha.digest(b.getBytes(StandardCharsets.UTF_8));
      return MessageDigest.isEqual(da, db);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static String loadPepper(AuthSettings settings, WaltSettings walt, DatabaseSettings database) {
    String configured = settings.pepper();
    if (configured != null && !configured.isBlank()) {
      if (configured.length() < MIN_PEPPER_CHARS) {
        throw new IllegalStateException("walt.auth.pepper must have at least " + MIN_PEPPER_CHARS + " characters");
      }
      return configured;
    }
    var file = settings.pepperFile();
    if (file == null) {
      file = walt.dataDir().resolve("auth-pepper");
      if (database.external()) {
        log.warn("walt.auth.pepper is not set: using {}; with several replicas set WALT_AUTH_PEPPER to one shared secret, "
            + "or keys created on one replica fail on the others", file.toAbsolutePath());
      }
    }
    try {
      var existing = SecretFiles.read(file);
      if (existing.isPresent()) {
        return existing.get();
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      SecretFiles.write(file, generated);
      log.info("generated the API key pepper in {} (keep this file: keys cannot be verified without it)", file.toAbsolutePath());
      return generated;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the pepper file " + file, e);
    }
  }
}
