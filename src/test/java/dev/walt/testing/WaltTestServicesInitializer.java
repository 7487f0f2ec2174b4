package dev.walt.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Points one Spring test context at the shared test services: a fresh database, a fresh bucket name
 * (the application creates the bucket at start) and a fresh data folder.
 *
 * <p>The properties rank just below the test's own inlined properties, so a test can still override
 * any of them with {@code @WaltIntegrationTest(properties = ...)}.
 */
public final class WaltTestServicesInitializer
    implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  /** Name of the property source this initializer adds. */
  public static final String PROPERTY_SOURCE = "waltTestServices";

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    Map<String, Object> properties = new LinkedHashMap<>(properties());
    MutablePropertySources sources = context.getEnvironment().getPropertySources();
    MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE, properties);
    if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
      sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, source);
    } else {
      sources.addFirst(source);
    }
  }

  /** The {@code walt.*} properties for a new isolated context (new database, bucket, data folder). */
  public static Map<String, String> properties() {
    TestServices.Database db = TestServices.newDatabase();
    TestServices.S3 s3 = TestServices.s3();
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("walt-test-data-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dataDir.toFile().deleteOnExit();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("walt.data-dir", dataDir.toString());
    p.put("walt.db.url", db.jdbcUrl());
    p.put("walt.db.user", db.user());
    p.put("walt.db.password", db.password());
    p.put("walt.s3.endpoint", s3.endpoint().toString());
    p.put("walt.s3.access-key", s3.accessKey());
    p.put("walt.s3.secret-key", s3.secretKey());
    p.put("walt.s3.region", s3.region());
    p.put("walt.s3.bucket", TestServices.newBucketName());
    // cached contexts share one server: open connections only as they are needed
    p.put("spring.datasource.hikari.minimum-idle", "1");
    return p;
  }
}
