package dev.walt.auth;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Authentication settings.
 *
 * @param pepper server secret under which API keys are hashed (at least 32 characters; env
 *     {@code WALT_AUTH_PEPPER}); every replica must use the same one. When unset it is read from (or
 *     generated into) {@code pepperFile}
 * @param pepperFile file holding the generated pepper (owner-only permissions); default
 *     {@code <walt.data-dir>/auth-pepper}
 * @param devKeyFile where the development API key is written: when set, or by default
 *     ({@code <walt.data-dir>/dev-api-key}) with the embedded PostgreSQL, a "development" tenant and
 *     key are created at first start and the key is written to this file (owner-only permissions)
 * @param adminKey bearer key of the admin API ({@code /admin/v1}); the admin API is off when unset
 */
@ConfigurationProperties("walt.auth")
@Validated
public record AuthSettings(
    @Nullable String pepper,
    @Nullable Path pepperFile,
    @Nullable Path devKeyFile,
    @Nullable String adminKey) {}
