package dev.walt.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.postgresql.PGNotification;
import org.postgresql.jdbc.PgConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * {@code LISTEN walt_jobs} on a dedicated connection: tells subscribers at once that a job was queued
 * or that a running job should stop. Polling stays the fallback: a notification can be missed while
 * the connection is down, so every (re)connect is reported as "something may have been queued".
 *
 * <p>The listening thread starts with the first subscriber (an API-only node holds no connection for
 * it) and reconnects with a growing pause (up to 30 s) while the database is unreachable.
 */
@Component
public class JobNotifications implements SmartLifecycle {

  /** Payload: a job became claimable. */
  static final String QUEUED = "queued";

  private static final String CANCEL_PREFIX = "cancel:";
  private static final Logger log = LoggerFactory.getLogger(JobNotifications.class);
  private static final int WAIT_MILLIS = 500;

  /** What a subscriber hears. Called on the listening thread: return quickly. */
  public interface Subscriber {

    /** A job was queued, or notifications may have been missed (after a reconnect). */
    void jobQueued();

    /** A cancel was requested for the job, or it was deleted. */
    void cancelRequested(UUID jobId);
  }

  private final DataSource dataSource;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private volatile boolean running;
  private volatile boolean listening;
  private Thread thread;

  JobNotifications(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  static String cancel(UUID jobId) {
    return CANCEL_PREFIX + jobId;
  }

  /** Adds a subscriber and starts listening if this is the first. */
  public synchronized void subscribe(Subscriber subscriber) {
    subscribers.add(subscriber);
    if (thread == null && running) {
      startThread();
    }
  }

  public void unsubscribe(Subscriber subscriber) {
    subscribers.remove(subscriber);
  }

  /** True while the LISTEN connection is up (for tests and health). */
  public boolean listening() {
    return listening;
  }

  @Override
  public synchronized void start() {
    running = true;
    if (!subscribers.isEmpty() && thread == null) {
      startThread();
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    Thread t = thread;
    thread = null;
    if (t != null) {
      try {
        t.join(2 * WAIT_MILLIS + 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops after the worker pool (which stops in a later phase) no longer needs the wake-ups. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 100;
  }

  private void startThread() {
    Thread t = new Thread(this::listen, "walt-job-listener");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void listen() {
    long pauseMillis = 500;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        PgConnection pg = connection.unwrap(PgConnection.class);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + JobRepository.CHANNEL);
        }
        listening = true;
        pauseMillis = 500;
        log.debug("listening on {}", JobRepository.CHANNEL);
        // jobs queued while we were not listening are claimable now
        subscribers.forEach(Subscriber::jobQueued);
        while (running) {
          // blocks up to WAIT_MILLIS; a broken connection throws, and we reconnect
          PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
          if (notifications != null) {
            for (PGNotification n : notifications) {
              dispatch(n.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (listening || log.isDebugEnabled()) {
          log.warn("LISTEN {} connection lost ({}); workers poll until it is back", JobRepository.CHANNEL, e.toString());
        }
      } finally {
        listening = false;
      }
      if (running) {
        sleep(pauseMillis);
        pauseMillis = Math.min(pauseMillis * 2, 30_000);
      }
    }
  }

  private void dispatch(String payload) {
    if (payload.startsWith(CANCEL_PREFIX)) {
      UUID jobId;
      try {
        jobId = UUID.fromString(payload.substring(CANCEL_PREFIX.length()));
      } catch (IllegalArgumentException e) {
        return;
      }
      subscribers.forEach(s -> s.cancelRequested(jobId));
    } else {
      subscribers.forEach(Subscriber::jobQueued);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
