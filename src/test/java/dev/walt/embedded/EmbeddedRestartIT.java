package dev.walt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.WaltApplication;
import dev.walt.storage.ObjectStorage;
import dev.walt.storage.S3Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The embedded default keeps its data across restarts (same data folder), reuses its S3 keys, and
 * leaves no PostgreSQL process behind when the context closes.
 */
class EmbeddedRestartIT {

  @TempDir Path dataDir;

  private ConfigurableApplicationContext start(String... more) {
    return new SpringApplicationBuilder(WaltApplication.class)
        .web(WebApplicationType.NONE)
        .properties(
            "walt.data-dir=" + dataDir,
            "walt.db.url=", // blank = embedded, whatever the environment says
            "walt.s3.endpoint=")
        .properties(more)
        .run();
  }

  @Test
  void aStartThatFailsLeavesNoPostgresRunning() throws Exception {
    // the embedded S3 server has no bucket yet and may not create one: the start fails while
    // PostgreSQL is starting on its own thread
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> start("walt.s3.create-bucket=false").close())
        .hasRootCauseInstanceOf(dev.walt.storage.BucketUnavailableException.class);
    assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();
    assertThat(dataDir.resolve("postgres/postmaster.pid")).doesNotExist();
  }

  private long postmasterPid() throws Exception {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
  }

  /**
   * Whether the process has ended within the time (a zombie, ended but not yet reaped by its parent,
   * counts as ended: it holds no port, file or memory).
   */
  static boolean exitsWithin(long pid, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (!running(pid)) {
        return true;
      }
      Thread.sleep(50);
    }
    return !running(pid);
  }

  private static boolean running(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String s = Files.readString(stat);
      char state = s.charAt(s.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (java.io.IOException | RuntimeException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  @Test
  void dataSurvivesARestartAndNothingIsLeftRunning() throws Exception {
    long firstPid;
    S3Connection firstS3;
    try (ConfigurableApplicationContext app = start()) {
      firstPid = postmasterPid();
      firstS3 = app.getBean(S3Connection.class);
      JdbcClient jdbc = app.getBean(JdbcClient.class);
      jdbc.sql("INSERT INTO walt_meta (key, value) VALUES ('restart-test', 'kept')").update();
      app.getBean(ObjectStorage.class).put("restart/object.txt", "kept".getBytes(StandardCharsets.UTF_8), "text/plain");
    }
    assertThat(dataDir.resolve("postgres/postmaster.pid")).doesNotExist();
    assertThat(exitsWithin(firstPid, 10_000)).as("postmaster %d stopped", firstPid).isTrue();

    try (ConfigurableApplicationContext app = start()) {
      assertThat(app.getBean(JdbcClient.class).sql("SELECT value FROM walt_meta WHERE key = 'restart-test'")
              .query(String.class).single())
          .isEqualTo("kept");
      ObjectStorage storage = app.getBean(ObjectStorage.class);
      assertThat(new String(storage.get("restart/object.txt"), StandardCharsets.UTF_8)).isEqualTo("kept");
      S3Connection s3 = app.getBean(S3Connection.class);
      assertThat(s3.accessKey()).isEqualTo(firstS3.accessKey());
      assertThat(s3.secretKey()).isEqualTo(firstS3.secretKey());
    }
    assertThat(dataDir.resolve("postgres/postmaster.pid")).doesNotExist();
  }
}
