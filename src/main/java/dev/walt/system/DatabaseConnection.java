package dev.walt.system;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Where the application's DataSource connects: an external server from {@link DatabaseSettings} or the
 * embedded PostgreSQL. Spring Boot's DataSource (Hikari, {@code spring.datasource.hikari.*}) and
 * Flyway use it.
 */
public record DatabaseConnection(String jdbcUrl, String username, String password)
    implements JdbcConnectionDetails {

  @Override
  public String getJdbcUrl() {
    return jdbcUrl;
  }

  @Override
  public String getUsername() {
    return username;
  }

  @Override
  public String getPassword() {
    return password;
  }

  @Override
  public String toString() {
    return "DatabaseConnection[" + jdbcUrl + ", user " + username + "]";
  }
}
