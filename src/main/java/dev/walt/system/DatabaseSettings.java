package dev.walt.system;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The PostgreSQL database ({@code walt.db.*}). With no {@code url} the embedded PostgreSQL starts.
 *
 * @param url JDBC URL of an external PostgreSQL ({@code jdbc:postgresql://host:5432/walt}); absent or
 *     blank: embedded PostgreSQL
 * @param user user name for {@code url}
 * @param password password for {@code url}
 */
@ConfigurationProperties("walt.db")
@Validated
public record DatabaseSettings(@Nullable String url, @Nullable String user, @Nullable String password) {

  @Override
  public String toString() {
    return "DatabaseSettings[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "(hidden)") + "]";
  }

  /** Whether an external database is configured. */
  public boolean external() {
    return url != null && !url.isBlank();
  }
}
