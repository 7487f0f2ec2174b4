package dev.walt.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded S3 keys are random, generated once, kept, and readable by the owner only. */
class EmbeddedS3CredentialsTest {

  @TempDir Path dir;

  @Test
  void generatedOnceWithOwnerOnlyPermissionsAndKept() throws Exception {
    Path file = dir.resolve("nested/s3-credentials.properties");
    EmbeddedS3Server.Credentials first = EmbeddedS3Server.loadOrCreateCredentials(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(first.accessKey()).matches("walt[0-9a-f]{16}");
    assertThat(first.secretKey()).matches("[0-9a-f]{48}");
    assertThat(first.toString()).doesNotContain(first.secretKey());

    EmbeddedS3Server.Credentials again = EmbeddedS3Server.loadOrCreateCredentials(file);
    assertThat(again).isEqualTo(first);

    EmbeddedS3Server.Credentials elsewhere = EmbeddedS3Server.loadOrCreateCredentials(dir.resolve("other.properties"));
    assertThat(elsewhere.accessKey()).isNotEqualTo(first.accessKey());
    assertThat(elsewhere.secretKey()).isNotEqualTo(first.secretKey());
  }

  @Test
  void concurrentFirstStartsAgreeOnOneKeyPair() throws Exception {
    Path file = dir.resolve("s3-credentials.properties");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      var results = new java.util.ArrayList<java.util.concurrent.Future<EmbeddedS3Server.Credentials>>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> EmbeddedS3Server.loadOrCreateCredentials(file)));
      }
      EmbeddedS3Server.Credentials first = results.get(0).get();
      for (var result : results) {
        assertThat(result.get()).isEqualTo(first);
      }
      assertThat(EmbeddedS3Server.loadOrCreateCredentials(file)).isEqualTo(first);
    } finally {
      pool.shutdownNow();
    }
    try (var files = Files.list(dir)) {
      assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("s3-credentials.properties");
    }
  }

  @Test
  void incompleteFileIsAClearError() throws Exception {
    Path file = dir.resolve("s3-credentials.properties");
    Files.writeString(file, "access-key=x\n");
    assertThatThrownBy(() -> EmbeddedS3Server.loadOrCreateCredentials(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("secret-key");
  }
}
