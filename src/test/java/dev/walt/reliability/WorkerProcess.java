package dev.walt.reliability;

import dev.walt.worker.JobsTestApp;
import dev.walt.worker.TestGenerator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A worker as its own JVM for {@link WorkerKillIT}: the application (no web server) with the
 * deterministic test generator, on the database and bucket given as {@code key=value} arguments.
 * Prints {@code READY} once its workers run, then lives until it is killed.
 */
public final class WorkerProcess {

  private WorkerProcess() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> services = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      services.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    JobsTestApp.start(services, TestGenerator.factory(),
        "spring.datasource.hikari.maximum-pool-size=4",
        "logging.level.root=WARN",
        "walt.worker.threads=2",
        "walt.worker.lease-duration=3s",
        "walt.worker.heartbeat-interval=500ms",
        "walt.worker.poll-interval=1s");
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
