package dev.walt.webhooks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** Runs the webhook dispatcher every {@code walt.webhooks.dispatch-interval} when enabled. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class WebhooksConfiguration implements SchedulingConfigurer {

  private static final Logger log = LoggerFactory.getLogger(WebhooksConfiguration.class);

  private final WebhookSettings settings;
  private final WebhookDispatcher dispatcher;

  WebhooksConfiguration(WebhookSettings settings, WebhookDispatcher dispatcher) {
    this.settings = settings;
    this.dispatcher = dispatcher;
  }

  @Override
  public void configureTasks(ScheduledTaskRegistrar registrar) {
    if (!settings.enabled()) {
      log.info("webhook dispatch disabled (walt.webhooks.enabled=false) on this instance");
      return;
    }
    registrar.addFixedDelayTask(() -> {
      try {
        dispatcher.dispatch();
      } catch (RuntimeException e) {
        log.warn("webhook dispatch failed: {}", e.toString());
      }
    }, settings.dispatchInterval());
  }
}
