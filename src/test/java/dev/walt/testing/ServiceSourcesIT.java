package dev.walt.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The shared test services are real servers and hand out isolated databases and buckets. */
class ServiceSourcesIT {

  @Test
  void newDatabasesAreSeparateRealPostgresDatabases() throws SQLException {
    TestServices.Database a = TestServices.newDatabase();
    TestServices.Database b = TestServices.newDatabase();
    assertThat(a.jdbcUrl()).isNotEqualTo(b.jdbcUrl());
    try (Connection c = a.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE only_in_a (id int)");
      s.execute("INSERT INTO only_in_a VALUES (42)");
      try (ResultSet rs = s.executeQuery("SELECT id, current_setting('server_version_num')::int FROM only_in_a")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
        assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(130000);
      }
    }
    try (Connection c = b.connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM only_in_a"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("only_in_a");
    }
  }

  @Test
  void bucketsHoldExactBytesAndAreSeparate() throws Exception {
    TestServices.S3 s3 = TestServices.s3();
    MinioClient client = s3.client();
    String first = TestServices.newBucket();
    String second = TestServices.newBucket();
    byte[] data = "walt test bytes \u00e9".getBytes(StandardCharsets.UTF_8);
    client.putObject(
        PutObjectArgs.builder().bucket(first).object("a/b.txt")
            .stream(new ByteArrayInputStream(data), (long) data.length, -1L)
            .contentType("text/plain").build());
    try (GetObjectResponse in = client.getObject(GetObjectArgs.builder().bucket(first).object("a/b.txt").build())) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThatThrownBy(() -> client.getObject(GetObjectArgs.builder().bucket(second).object("a/b.txt").build()).close())
        .isInstanceOfSatisfying(
            ErrorResponseException.class, e -> assertThat(e.errorResponse().code()).isEqualTo("NoSuchKey"));
  }

  @Test
  void withDatabaseReplacesOnlyTheDatabaseName() {
    assertThat(TestServices.withDatabase("jdbc:postgresql://h:5432/postgres?user=x&ssl=true", "d1"))
        .isEqualTo("jdbc:postgresql://h:5432/d1?user=x&ssl=true");
    assertThat(TestServices.withDatabase("jdbc:postgresql://h1:1,h2:2/", "d2"))
        .isEqualTo("jdbc:postgresql://h1:1,h2:2/d2");
    assertThat(TestServices.withDatabase("jdbc:postgresql://h?ssl=true", "d3"))
        .isEqualTo("jdbc:postgresql://h/d3?ssl=true");
  }
}
