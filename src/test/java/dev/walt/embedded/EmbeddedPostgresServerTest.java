package dev.walt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery after an unclean stop: a postmaster left running on the data folder by a killed JVM is
 * stopped before the new start; anything else named by a stale {@code postmaster.pid} is left alone.
 */
class EmbeddedPostgresServerTest {

  @TempDir Path dataDir;
  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A process whose command line looks like a postmaster on {@code dir}, that exits on SIGINT. */
  private Process fakePostmaster(Path dir) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("bash", "-c", "trap 'exit 0' INT; while :; do sleep 0.05; done", "postgres", "-D", dir.toString())
            .start();
    Thread.sleep(200); // let bash install its trap
    return p;
  }

  private void writePidFile(long pid) throws IOException {
    Files.writeString(dataDir.resolve("postmaster.pid"), pid + "\n" + dataDir + "\n1700000000\n5432\n");
  }

  @Test
  void orphanedPostmasterOnThisFolderIsStopped() throws Exception {
    process = fakePostmaster(dataDir);
    writePidFile(process.pid());
    EmbeddedPostgresServer.stopOrphanedPostmaster(dataDir);
    assertThat(process.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("stopped by SIGINT (fast shutdown), not killed").isZero();
  }

  @Test
  void postmasterOfAnotherFolderIsLeftAlone() throws Exception {
    process = fakePostmaster(dataDir.resolveSibling(dataDir.getFileName() + "-other"));
    writePidFile(process.pid());
    EmbeddedPostgresServer.stopOrphanedPostmaster(dataDir);
    assertThat(process.isAlive()).isTrue();
  }

  @Test
  void unrelatedProcessReusingThePidIsLeftAlone() throws Exception {
    process = new ProcessBuilder("sleep", "30").start();
    writePidFile(process.pid());
    EmbeddedPostgresServer.stopOrphanedPostmaster(dataDir);
    assertThat(process.isAlive()).isTrue();
  }

  @Test
  void stalePidFileOfADeadProcessOrGarbageIsNoError() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    writePidFile(dead.pid());
    EmbeddedPostgresServer.stopOrphanedPostmaster(dataDir);
    Files.writeString(dataDir.resolve("postmaster.pid"), "not a pid");
    EmbeddedPostgresServer.stopOrphanedPostmaster(dataDir);
    Files.writeString(dataDir.resolve("postmaster.pid"), "");
    EmbeddedPostgresServer.stopOrphanedPostmaster(dataDir);
    assertThat(dataDir.resolve("postmaster.pid")).exists(); // PostgreSQL itself replaces a stale file
  }
}
