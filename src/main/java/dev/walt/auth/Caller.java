package dev.walt.auth;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The authenticated client of a {@code /v1} request: its tenant, its API key and the key's limits.
 * Controllers take it as a method parameter.
 */
public record Caller(
    UUID tenantId,
    UUID apiKeyId,
    int requestsPerMinute,
    int maxActiveJobs,
    @Nullable String defaultWebhookUrl) {}
