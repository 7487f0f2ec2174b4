package dev.walt.playground;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The playground page ({@code walt.playground.*}).
 *
 * @param enabled whether {@code /} redirects to the playground and {@code /playground/config} answers;
 *     default {@code true} (the static page itself is harmless: it only calls the public API with the
 *     key the visitor types)
 * @param showDevKeyFile whether the page is told where the development API key file is (only when the
 *     embedded default wrote one); default {@code true}
 */
@ConfigurationProperties("walt.playground")
@Validated
public record PlaygroundSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("true") boolean showDevKeyFile) {}
