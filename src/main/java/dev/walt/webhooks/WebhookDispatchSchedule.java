package dev.walt.webhooks;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the webhook dispatcher every {@code walt.webhooks.dispatch-interval} when enabled, on a thread
 * of its own: a slow receiver (up to the read timeout per attempt) must not hold up the lease rescuer
 * and the retention cleanup on the shared scheduler.
 */
@Component
class WebhookDispatchSchedule implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatchSchedule.class);

  private final WebhookSettings settings;
  private final WebhookDispatcher dispatcher;
  private @Nullable ScheduledExecutorService executor;

  WebhookDispatchSchedule(WebhookSettings settings, WebhookDispatcher dispatcher) {
    this.settings = settings;
    this.dispatcher = dispatcher;
  }

  @Override
  public synchronized void start() {
    if (!settings.enabled()) {
      log.info("webhook dispatch disabled (walt.webhooks.enabled=false) on this instance");
      return;
    }
    ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "walt-webhooks");
      t.setDaemon(true);
      return t;
    });
    long interval = settings.dispatchInterval().toMillis();
    e.scheduleWithFixedDelay(this::round, interval, interval, TimeUnit.MILLISECONDS);
    executor = e;
  }

  private void round() {
    try {
      dispatcher.dispatch();
    } catch (RuntimeException e) {
      log.warn("webhook dispatch failed: {}", e.toString());
    }
  }

  @Override
  public synchronized void stop() {
    ScheduledExecutorService e = executor;
    executor = null;
    if (e != null) {
      // an attempt in flight is abandoned; its row's lock runs out and it is sent again (same id)
      e.shutdownNow();
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
