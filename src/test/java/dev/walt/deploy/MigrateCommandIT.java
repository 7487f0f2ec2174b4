package dev.walt.deploy;

import static dev.walt.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.system.MigrateCommand;
import dev.walt.testing.TestServices;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The {@code migrate} command of the jar (the Helm chart's hook Job) against a real PostgreSQL, and the
 * chart's KEDA query against the schema it creates.
 */
class MigrateCommandIT {

  @Test
  void appliesEveryMigrationAndASecondRunChangesNothing() throws Exception {
    TestServices.Database db = TestServices.newDatabase();
    assertThat(MigrateCommand.run(args(db))).isZero();
    List<String> applied = appliedVersions(db);
    assertThat(applied).isEqualTo(migrationVersions()).isNotEmpty();

    assertThat(MigrateCommand.run(args(db))).isZero();
    assertThat(appliedVersions(db)).isEqualTo(applied);
  }

  @Test
  void withoutAnExternalDatabaseItExitsWith2() {
    assertThat(MigrateCommand.run(new String[] {"--walt.db.url="})).isEqualTo(2);
  }

  @Test
  void anUnreachableDatabaseExitsWith1() {
    // port 1 on loopback: nothing listens there
    TestServices.Database nowhere =
        new TestServices.Database("jdbc:postgresql://127.0.0.1:1/walt?connectTimeout=2", "walt", "walt");
    assertThat(MigrateCommand.run(args(nowhere))).isEqualTo(1);
  }

  @Test
  void theChartsKedaQueryAsksForOneWorkerPerJobsPerPodQueuedOrRunningJobs() throws Exception {
    TestServices.Database db = TestServices.newDatabase();
    assertThat(MigrateCommand.run(args(db))).isZero();
    assertThat(kedaQuery(db, 1)).isEqualTo(0.0);

    UUID tenant = UUID.randomUUID();
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO tenants (id, name) VALUES ('" + tenant + "', 'acme')");
      for (String status : List.of("queued", "queued", "in_progress", "completed", "failed", "cancelled")) {
        s.execute("INSERT INTO video_jobs (id, tenant_id, status, prompt, frames, width, height, fps, seed, steps,"
            + " guidance_scale) VALUES ('" + UUID.randomUUID() + "', '" + tenant + "', '" + status
            + "', 'a cat', 17, 128, 128, 8, 42, 20, 4.0)");
      }
    }
    assertThat(kedaQuery(db, 1)).isEqualTo(3.0);
    assertThat(kedaQuery(db, 2)).isEqualTo(2.0);
    assertThat(kedaQuery(db, 3)).isEqualTo(1.0);
    assertThat(kedaQuery(db, 10)).isEqualTo(1.0);
  }

  /** Runs the query of the chart's ScaledObject rendered with {@code jobsPerPod}. */
  private static double kedaQuery(TestServices.Database db, int jobsPerPod) throws SQLException {
    Manifests m = Manifests.render(Map.of("worker.keda.enabled", true, "worker.keda.jobsPerPod", jobsPerPod));
    String query = (String) at(m.get("ScaledObject", "walt-worker"), "spec.triggers[0].metadata.query");
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(query)) {
      assertThat(r.next()).isTrue();
      return r.getDouble(1);
    }
  }

  private static String[] args(TestServices.Database db) {
    return new String[] {
      "--walt.db.url=" + db.jdbcUrl(), "--walt.db.user=" + db.user(), "--walt.db.password=" + db.password()
    };
  }

  private static List<String> appliedVersions(TestServices.Database db) throws SQLException {
    List<String> versions = new ArrayList<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(
            "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank")) {
      while (r.next()) {
        versions.add(r.getString(1));
      }
    }
    return versions;
  }

  /** The versions of the migration scripts on the classpath, in order. */
  private static List<String> migrationVersions() throws IOException {
    Pattern name = Pattern.compile("V(\\d+)__.*\\.sql");
    List<Integer> versions = new ArrayList<>();
    for (Resource script : new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/V*.sql")) {
      Matcher m = name.matcher(String.valueOf(script.getFilename()));
      if (m.matches()) {
        versions.add(Integer.parseInt(m.group(1)));
      }
    }
    return versions.stream().sorted().map(String::valueOf).toList();
  }
}
