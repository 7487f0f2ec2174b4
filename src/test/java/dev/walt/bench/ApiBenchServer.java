package dev.walt.bench;

import dev.walt.WaltApplication;
import dev.walt.auth.ApiKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application as the API benchmark sees it: the API role only (no worker), a fresh database on
 * the benchmark's PostgreSQL, the test S3 server, and one API key with limits far above the load (the
 * key is written to {@code -Dbench.keyFile}). Runs until its standard input closes. Started by
 * {@link ApiBench} as a separate JVM; can also be run alone.
 */
public final class ApiBenchServer {

  private ApiBenchServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.getInteger("bench.port", 18080);
    Path keyFile = Path.of(System.getProperty("bench.keyFile", "target/bench/api-key"));
    String url = BenchSupport.freshDatabase(System.getProperty("bench.dbName", "walt_bench_api"));
    Map<String, String> services = BenchSupport.services(url);
    List<String> props = new ArrayList<>();
    services.forEach((k, v) -> props.add(k + "=" + v));
    props.addAll(List.of(
        "server.port=" + port,
        "server.address=127.0.0.1",
        "walt.worker.enabled=false",
        "spring.datasource.hikari.maximum-pool-size=" + Integer.getInteger("bench.pool", 16),
        "spring.main.banner-mode=off",
        "logging.level.root=WARN"));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(WaltApplication.class).properties(props.toArray(String[]::new)).run();
    ApiKeys keys = context.getBean(ApiKeys.class);
    var tenant = keys.createTenant("bench");
    var key = keys.createKey(tenant.id(), "bench", new ApiKeys.KeyOptions(1_000_000_000, 1_000_000_000, null))
        .orElseThrow();
    Files.createDirectories(keyFile.toAbsolutePath().getParent());
    Files.writeString(keyFile, key.key());
    System.out.println("bench server ready on port " + port);
    // stop when the parent goes away
    while (System.in.read() >= 0) {
      // ignore input
    }
    context.close();
    System.exit(0);
  }
}
