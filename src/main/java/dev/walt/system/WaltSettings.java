package dev.walt.system;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Root settings of the service.
 *
 * @param dataDir folder for local state: the embedded PostgreSQL and S3 data and their credentials
 *     ({@code walt.data-dir}, env {@code WALT_DATA_DIR}, default {@code ./walt-data})
 */
@ConfigurationProperties("walt")
@Validated
public record WaltSettings(@DefaultValue("./walt-data") Path dataDir) {}
