package dev.walt.worker.walt;

import dev.walt.api.ApiSettings;
import dev.walt.api.GenerationLimits;
import dev.walt.model.pipeline.ModelLimits;
import dev.walt.worker.VideoGeneratorFactory;
import dev.walt.worker.WorkerPool;
import dev.walt.worker.WorkerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Wires the model into the service: the model folder's config (read on every instance), the API's
 * {@link GenerationLimits} from it, the {@link VideoGeneratorFactory} of the worker pool (only when the
 * worker role is on and the model has weights, or {@code walt.model.random-init} is set; otherwise the
 * pool does not start and says why), and the {@code workers} readiness indicator.
 */
@Configuration(proxyBeanMethods = false)
class WaltWorkerConfiguration {

  private static final Logger log = LoggerFactory.getLogger(WaltWorkerConfiguration.class);

  @Bean
  ModelFolder modelFolder(ModelSettings settings, WorkerSettings workers) {
    ModelFolder folder = ModelFolder.open(settings.location());
    if (workers.enabled() && !folder.hasWeights() && !settings.randomInit()) {
      log.error("{}; this instance runs no jobs and its readiness stays DOWN. Point walt.model.path at a trained"
          + " model folder (or, for development and tests only, set walt.model.random-init=true)", noWeights(folder));
    }
    return folder;
  }

  @Bean
  @Primary
  GenerationLimits modelGenerationLimits(ModelFolder folder, ApiSettings api) {
    return new ModelGenerationLimits(ModelLimits.of(folder.config()), api);
  }

  @Bean
  @ConditionalOnMissingBean(VideoGeneratorFactory.class)
  @Conditional(WorkerCanRun.class)
  VideoGeneratorFactory waltGeneratorFactory(
      ModelSettings settings, NativeMemorySettings nativeMemory, ModelFolder folder, WorkerSettings workers) {
    return new WaltGeneratorFactory(
        settings, nativeMemory, folder, DeviceDiscovery.devices(settings.device(), workers.threads()));
  }

  @Bean
  WorkersHealthIndicator workersHealthIndicator(
      WorkerSettings workers, ModelSettings model, ModelFolder folder, ObjectProvider<WorkerPool> pool) {
    // no pool without the worker role: the indicator then reports an API-only instance
    return new WorkersHealthIndicator(workers, model, folder, pool.getIfAvailable());
  }

  static String noWeights(ModelFolder folder) {
    return "model " + folder.config().name() + " at " + folder.location() + " has no trained weights (missing "
        + String.join(", ", folder.missingWeights()) + ")";
  }

  /** The worker role is on, and the model has weights or random-init is set. */
  static final class WorkerCanRun implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      var env = context.getEnvironment();
      if (!env.getProperty("walt.worker.enabled", Boolean.class, true)) {
        return false;
      }
      if (env.getProperty("walt.model.random-init", Boolean.class, false)) {
        return true;
      }
      String path = env.getProperty("walt.model.path");
      try {
        return ModelFolder.open(path == null || path.isBlank() ? ModelSettings.BUNDLED : path).hasWeights();
      } catch (RuntimeException e) {
        return false; // the modelFolder bean fails the start with the reason
      }
    }
  }
}
