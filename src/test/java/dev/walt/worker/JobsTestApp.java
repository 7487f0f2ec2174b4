package dev.walt.worker;

import dev.walt.WaltApplication;
import dev.walt.jobs.AfterCommit;
import dev.walt.jobs.Job;
import dev.walt.jobs.JobFinishedListener;
import dev.walt.storage.ObjectStorage;
import dev.walt.testing.WaltTestServicesInitializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Starts the application (no web server) against the shared test services with a given generator
 * factory, for tests that run several instances side by side on one database and bucket (each
 * instance with its own DataSource, worker pool, listener, rescuer and dispatcher).
 */
public final class JobsTestApp {

  /** Finish events (completed / failed / cancelled) committed, per job, over all instances. */
  public static final Map<UUID, AtomicInteger> FINISHES = new ConcurrentHashMap<>();

  private JobsTestApp() {}

  /** A new database and bucket (give the same map to every instance that should share them). */
  public static Map<String, String> services() {
    return WaltTestServicesInitializer.properties();
  }

  /** Test defaults: fast rescue and retries, loopback webhooks allowed. Later entries override. */
  public static ConfigurableApplicationContext start(
      Map<String, String> services, @Nullable VideoGeneratorFactory factory, String... properties) {
    return start(services, factory, null, properties);
  }

  /**
   * As {@link #start(Map, VideoGeneratorFactory, String...)}, with the instance's {@link ObjectStorage}
   * seen through a decorator (to make uploads hang, say).
   */
  public static ConfigurableApplicationContext start(
      Map<String, String> services,
      @Nullable VideoGeneratorFactory factory,
      @Nullable UnaryOperator<ObjectStorage> storageDecorator,
      String... properties) {
    List<String> props = new ArrayList<>();
    services.forEach((k, v) -> props.add(k + "=" + v));
    props.addAll(List.of(
        "spring.datasource.hikari.maximum-pool-size=12",
        "spring.main.banner-mode=off",
        "spring.lifecycle.timeout-per-shutdown-phase=20s",
        "walt.jobs.rescue-interval=200ms",
        "walt.jobs.retry-backoff=100ms",
        "walt.jobs.retry-backoff-max=400ms",
        "walt.jobs.cleanup-interval=200ms",
        "walt.worker.threads=2",
        "walt.worker.lease-duration=10s",
        "walt.worker.heartbeat-interval=1s",
        "walt.worker.poll-interval=30s",
        "walt.worker.progress-throttle=100ms",
        "walt.worker.drain-grace-period=5s",
        "walt.webhooks.allow-http=true",
        "walt.webhooks.allow-private-addresses=true",
        "walt.webhooks.dispatch-interval=100ms",
        "walt.webhooks.initial-backoff=200ms"));
    props.addAll(List.of(properties));
    return new SpringApplicationBuilder(WaltApplication.class)
        .web(WebApplicationType.NONE)
        .properties(props.toArray(String[]::new))
        .initializers(context -> {
          var beans = context.getBeanFactory();
          beans.registerSingleton("finishCounter", (JobFinishedListener) JobsTestApp::count);
          if (factory != null) {
            beans.registerSingleton("testGeneratorFactory", factory);
          }
          if (storageDecorator != null) {
            GenericApplicationContext generic = (GenericApplicationContext) context;
            generic.registerBean("decoratedStorage", ObjectStorage.class,
                () -> storageDecorator.apply(generic.getBean("objectStorage", ObjectStorage.class)),
                definition -> {
                  definition.setPrimary(true);
                  definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
                });
          }
        })
        .run();
  }

  /** Counts after the commit: a finish that rolled back did not happen. */
  private static void count(Job job) {
    AfterCommit.run(() -> FINISHES.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet());
  }
}
