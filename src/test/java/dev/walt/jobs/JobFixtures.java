package dev.walt.jobs;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Tenants, API keys and job requests for tests. */
public final class JobFixtures {

  private JobFixtures() {}

  /** A tenant with one API key and its webhook secret. */
  public record Tenant(UUID tenantId, UUID apiKeyId, String webhookSecret) {

    public NewJob job(String prompt) {
      return job(prompt, 10, null);
    }

    public NewJob job(String prompt, int steps, @Nullable String webhookUrl) {
      return new NewJob(tenantId, apiKeyId, prompt, null, 2, 32, 24, 8, 42L, steps, 5.0f, null, webhookUrl,
          Map.of("case", prompt));
    }
  }

  public static Tenant tenant(JdbcClient jdbc, @Nullable String defaultWebhookUrl) {
    UUID tenant = UUID.randomUUID();
    UUID key = UUID.randomUUID();
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String whsec = "whsec_" + Base64.getEncoder().encodeToString(secret);
    jdbc.sql("INSERT INTO tenants (id, name) VALUES (:id, 'test')").param("id", tenant).update();
    byte[] hash = new byte[32];
    new SecureRandom().nextBytes(hash);
    jdbc.sql("""
            INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, webhook_secret, default_webhook_url)
            VALUES (:id, :tenant, 'test', 'wk_test', :hash, :secret, :url)
            """)
        .param("id", key).param("tenant", tenant).param("hash", hash).param("secret", whsec)
        .param("url", defaultWebhookUrl)
        .update();
    return new Tenant(tenant, key, whsec);
  }
}
