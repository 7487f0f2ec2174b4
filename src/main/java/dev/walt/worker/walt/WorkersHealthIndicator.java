package dev.walt.worker.walt;

import dev.walt.worker.WorkerPool;
import dev.walt.worker.WorkerSettings;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code workers} in {@code /actuator/health} and its readiness group: on an instance with the worker
 * role, OUT_OF_SERVICE until at least one worker has loaded its model and warmed up (with the reason when
 * the model has no weights or no worker could start); UP on API-only instances, which need no model.
 *
 * <p>OUT_OF_SERVICE, not DOWN: the process and its database and bucket work, it just cannot take
 * generation work yet. The readiness group ranks OUT_OF_SERVICE above UP (not ready, 503); the overall
 * health ranks it below UP, so {@code /actuator/health} tells whether the process and its dependencies
 * work (see {@code management.endpoint.health.status.order} in application.yml).
 */
final class WorkersHealthIndicator implements HealthIndicator {

  private final WorkerSettings workers;
  private final ModelSettings model;
  private final ModelFolder folder;
  private final @Nullable WorkerPool pool;

  WorkersHealthIndicator(WorkerSettings workers, ModelSettings model, ModelFolder folder, @Nullable WorkerPool pool) {
    this.workers = workers;
    this.model = model;
    this.folder = folder;
    this.pool = pool;
  }

  @Override
  public Health health() {
    WorkerPool pool = this.pool;
    if (!workers.enabled() || pool == null) {
      return Health.up().withDetail("role", "api only (no worker role, or walt.worker.enabled=false)").build();
    }
    Health.Builder health = pool.readyWorkers() > 0 ? Health.up() : Health.outOfService();
    health.withDetail("model", folder.config().name())
        .withDetail("ready", pool.readyWorkers())
        .withDetail("workers", pool.workers());
    if (!folder.hasWeights() && !model.randomInit()) {
      health.withDetail("reason", WaltWorkerConfiguration.noWeights(folder));
    } else if (pool.readyWorkers() == 0 && pool.workerFailure() != null) {
      health.withDetail("reason", "no worker could load the model: " + pool.workerFailure());
    } else if (pool.readyWorkers() == 0) {
      health.withDetail("reason", "workers are loading and warming up the model");
    }
    return health.build();
  }
}
