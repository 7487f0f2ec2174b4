package dev.walt.auth;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The cache of authenticated API keys ({@code walt.auth.key-cache.*}): a key that authenticated is
 * trusted for {@code ttl} without reading {@code api_keys} again.
 *
 * @param ttl how long a successful lookup is reused; this bounds how long a revoked key keeps working
 *     on the other replicas (the replica that revokes it forgets it at once). {@code 0s} turns the
 *     cache off. Default {@code 5s}
 * @param maxKeys most keys remembered per replica (beyond, the cache starts over); default 10000
 */
@ConfigurationProperties("walt.auth.key-cache")
@Validated
public record KeyCacheSettings(
    @DefaultValue("5s") @NotNull Duration ttl,
    @DefaultValue("10000") @Min(1) int maxKeys) {}
