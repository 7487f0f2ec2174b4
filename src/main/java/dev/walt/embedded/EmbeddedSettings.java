package dev.walt.embedded;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the embedded servers ({@code walt.embedded.*}); used only when they start.
 *
 * @param postgresPort loopback port of the embedded PostgreSQL; 0 picks a free port at each start
 * @param s3Port loopback port of the embedded S3 server; 0 picks a free port at each start
 */
@ConfigurationProperties("walt.embedded")
@Validated
record EmbeddedSettings(
    @DefaultValue("0") @Min(0) @Max(65535) int postgresPort,
    @DefaultValue("0") @Min(0) @Max(65535) int s3Port) {}
