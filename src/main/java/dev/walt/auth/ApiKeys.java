package dev.walt.auth;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenants and their API keys in PostgreSQL. A key is {@code walt_sk_} followed by 32 random bytes in
 * base64url; only its HMAC under the pepper is stored, and a presented key is found by that hash
 * (an index lookup, so the comparison does not depend on how much of a key matches).
 *
 * <p>A key that authenticated is remembered for {@code walt.auth.key-cache.ttl} (default 5 s; see
 * {@link KeyCacheSettings}): within that time a revoked key may still be accepted by the other
 * replicas; the replica that revokes it refuses it at once. A key's limits and default webhook URL
 * never change after its creation, so nothing else can go stale.
 */
@Service
public class ApiKeys {

  static final String KEY_PREFIX = "walt_sk_";
  /** The base64url characters of a key after its prefix (32 random bytes, unpadded). */
  private static final int KEY_BODY_LENGTH = 43;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final KeyHasher hasher;
  private final KeyCache cache;

  ApiKeys(JdbcClient jdbc, KeyHasher hasher, KeyCacheSettings cacheSettings) {
    this.jdbc = jdbc;
    this.hasher = hasher;
    this.cache = new KeyCache(cacheSettings, System::nanoTime);
  }

  /** A tenant: the owner of jobs. */
  public record Tenant(UUID id, String name, Instant createdAt) {}

  /** Limits and defaults of a new key; null fields take the schema's defaults. */
  public record KeyOptions(
      @Nullable Integer requestsPerMinute,
      @Nullable Integer maxActiveJobs,
      @Nullable String defaultWebhookUrl) {}

  /** A key as listed: never the key itself. */
  public record KeyInfo(
      UUID id,
      UUID tenantId,
      String name,
      String prefix,
      int requestsPerMinute,
      int maxActiveJobs,
      @Nullable String defaultWebhookUrl,
      Instant createdAt,
      @Nullable Instant revokedAt) {}

  /** A new key: the only time the key and its webhook secret are shown. */
  public record CreatedKey(KeyInfo info, String key, String webhookSecret) {}

  static boolean wellFormed(String key) {
    // {@code walt_sk_[A-Za-z0-9_-]{43}}, checked by hand: every request runs this, and the regex
    // matcher cost more than the rest of the authentication (the benchmark's profile, issue 10)
    if (key.length() != KEY_PREFIX.length() + KEY_BODY_LENGTH || !key.startsWith(KEY_PREFIX)) {
      return false;
    }
    for (int i = KEY_PREFIX.length(); i < key.length(); i++) {
      char c = key.charAt(i);
      boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (!base64url) {
        return false;
      }
    }
    return true;
  }

  /**
   * The caller owning this key, when the key exists and is not revoked (as of at most
   * {@code walt.auth.key-cache.ttl} ago).
   */
  public Optional<Caller> authenticate(String key) {
    if (!wellFormed(key)) {
      return Optional.empty();
    }
    byte[] hash = hasher.hash(key);
    return cache.get(hash, () -> lookup(hash));
  }

  /**
   * As {@link #authenticate}, but always from the database, never the cache: for checks outside the
   * request path that must see a revocation made by any means (the development key at start-up).
   */
  public Optional<Caller> authenticateNow(String key) {
    return wellFormed(key) ? lookup(hasher.hash(key)) : Optional.empty();
  }

  private Optional<Caller> lookup(byte[] keyHash) {
    return jdbc.sql("""
            SELECT tenant_id, id, requests_per_minute, max_active_jobs, default_webhook_url
            FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL""")
        .param(keyHash)
        .query((rs, n) -> new Caller(
            rs.getObject("tenant_id", UUID.class),
            rs.getObject("id", UUID.class),
            rs.getInt("requests_per_minute"),
            rs.getInt("max_active_jobs"),
            rs.getString("default_webhook_url")))
        .optional();
  }

  public Tenant createTenant(String name) {
    UUID id = UUID.randomUUID();
    return jdbc.sql("INSERT INTO tenants (id, name) VALUES (?, ?) RETURNING id, name, created_at")
        .params(id, name)
        .query((rs, n) -> new Tenant(rs.getObject("id", UUID.class), rs.getString("name"),
            rs.getTimestamp("created_at").toInstant()))
        .single();
  }

  public Optional<Tenant> tenant(UUID id) {
    return jdbc.sql("SELECT id, name, created_at FROM tenants WHERE id = ?")
        .param(id)
        .query((rs, n) -> new Tenant(rs.getObject("id", UUID.class), rs.getString("name"),
            rs.getTimestamp("created_at").toInstant()))
        .optional();
  }

  /** Creates a key for an existing tenant; empty when the tenant does not exist. */
  @Transactional
  public Optional<CreatedKey> createKey(UUID tenantId, String name, KeyOptions options) {
    if (tenant(tenantId).isEmpty()) {
      return Optional.empty();
    }
    String key = KEY_PREFIX + randomBase64Url(32);
    String webhookSecret = "whsec_" + Base64.getEncoder().encodeToString(randomBytes(32));
    UUID id = UUID.randomUUID();
    jdbc.sql("""
            INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, webhook_secret, default_webhook_url,
                                  requests_per_minute, max_active_jobs)
            VALUES (:id, :tenant, :name, :prefix, :hash, :secret, :webhook,
                    COALESCE(:rpm, 600), COALESCE(:active, 20))""")
        .param("id", id)
        .param("tenant", tenantId)
        .param("name", name)
        .param("prefix", key.substring(0, KEY_PREFIX.length() + 4))
        .param("hash", hasher.hash(key))
        .param("secret", webhookSecret)
        .param("webhook", options.defaultWebhookUrl(), java.sql.Types.VARCHAR)
        .param("rpm", options.requestsPerMinute(), java.sql.Types.INTEGER)
        .param("active", options.maxActiveJobs(), java.sql.Types.INTEGER)
        .update();
    return Optional.of(new CreatedKey(key(id).orElseThrow(), key, webhookSecret));
  }

  public Optional<KeyInfo> key(UUID keyId) {
    return jdbc.sql("SELECT * FROM api_keys WHERE id = ?").param(keyId).query(ApiKeys::keyInfo).optional();
  }

  public List<KeyInfo> keys(UUID tenantId) {
    return jdbc.sql("SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id")
        .param(tenantId).query(ApiKeys::keyInfo).list();
  }

  /**
   * Revokes a key (idempotent); empty when there is no such key. This replica refuses the key from
   * now on, the others once their cached lookup expires ({@code walt.auth.key-cache.ttl}).
   */
  public Optional<KeyInfo> revoke(UUID keyId) {
    jdbc.sql("UPDATE api_keys SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL").param(keyId).update();
    cache.forget(keyId);
    return key(keyId);
  }

  private static KeyInfo keyInfo(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    Timestamp revoked = rs.getTimestamp("revoked_at");
    return new KeyInfo(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getString("name"),
        rs.getString("prefix"),
        rs.getInt("requests_per_minute"),
        rs.getInt("max_active_jobs"),
        rs.getString("default_webhook_url"),
        rs.getTimestamp("created_at").toInstant(),
        revoked == null ? null : revoked.toInstant());
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  static String randomBase64Url(int n) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(n));
  }
}
