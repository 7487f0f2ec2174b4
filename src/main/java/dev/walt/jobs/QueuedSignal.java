package dev.walt.jobs;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Wakes idle workers after new jobs are committed: one {@code NOTIFY walt_jobs 'queued'} for however many
 * creates committed while the previous one was being sent or within {@link #SPACING} of it, one at a time per
 * instance, each in a transaction of its own that does not wait for a WAL flush.
 *
 * <p>Why not a NOTIFY in each create's transaction (as before): PostgreSQL serializes every transaction
 * that notifies on one database-wide lock held from before its commit record until after it is flushed,
 * so creates that notified could not share a WAL flush (group commit) and were bounded by one flush each
 * (measured with pgbench on the development machine, 16 clients: single-row inserts 8,300/s, the same with
 * a NOTIFY in the transaction 1,600/s). A signal lost here (the process dies between the commit and the
 * send, or the database refuses it) costs latency only: workers also poll ({@code walt.worker.poll-interval})
 * and a reconnecting listener reports "something may have been queued".
 */
@Component
class QueuedSignal implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QueuedSignal.class);

  /**
   * The least time between two NOTIFYs of this instance: under a stream of creates one NOTIFY answers all
   * that committed within it (a NOTIFY per create cost the database a transaction each), while a create
   * after a quiet moment is still signalled at once.
   */
  static final Duration SPACING = Duration.ofMillis(2);

  private final Runnable send;
  private final long spacingNanos;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean sending = new AtomicBoolean();
  /** When the last NOTIFY was sent ({@link System#nanoTime}); long ago at first. */
  private volatile long lastSent;
  private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "walt-queued-signal");
    thread.setDaemon(true);
    return thread;
  });

  @Autowired
  QueuedSignal(JdbcClient jdbc) {
    this(() -> notifyQueued(jdbc), SPACING);
  }

  /** With {@code send} as the NOTIFY (tests; it must not throw) and at least {@code spacing} between two. */
  QueuedSignal(Runnable send, Duration spacing) {
    this.send = send;
    this.spacingNanos = spacing.toNanos();
    this.lastSent = System.nanoTime() - spacingNanos;
  }

  /** A job was queued by the current statement: signal once the transaction commits (at once without one). */
  void afterCommit() {
    AfterCommit.run(this::signal);
  }

  /**
   * Sends a NOTIFY: on this thread when none is being sent and the last left at least {@link #SPACING} ago
   * (the notification leaves at once, without waking another thread), else once more from the sender thread,
   * as soon as the one in flight is done and the spacing has passed.
   */
  void signal() {
    pending.set(true);
    if (!sending.compareAndSet(false, true)) {
      return;
    }
    if (untilDue() > 0) {
      schedule(); // still holding `sending`: the sender thread sends for this and every signal until then
      return;
    }
    try {
      pending.set(false);
      sendNow();
    } finally {
      sending.set(false);
    }
    handOff();
  }

  private void sendNow() {
    lastSent = System.nanoTime();
    send.run();
  }

  /** Nanoseconds until the next NOTIFY may leave (at most 0 when it may leave now). */
  private long untilDue() {
    return lastSent + spacingNanos - System.nanoTime();
  }

  /** Signals that came while a NOTIFY was being sent get one more, from the sender thread. */
  private void handOff() {
    if (pending.get() && sending.compareAndSet(false, true)) {
      schedule();
    }
  }

  /** Runs {@link #drain} on the sender thread once the spacing has passed; call holding {@code sending}. */
  private void schedule() {
    try {
      sender.schedule(this::drain, Math.max(0, untilDue()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      sending.set(false); // closed: the workers' polls find the jobs
    }
  }

  private void drain() {
    try {
      // the spacing is checked right before each send: a signal that came between a check made after the
      // previous send and the loop's test would otherwise be sent at once, microseconds after it
      while (pending.get()) {
        long wait = untilDue();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        pending.set(false); // this send answers every signal until now
        sendNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed
    } finally {
      sending.set(false);
    }
    // a signal that came after the loop's last check and before the flag was cleared
    handOff();
  }

  private static void notifyQueued(JdbcClient jdbc) {
    try {
      // autocommit: the statement is its transaction, and its commit need not be flushed (a notification
      // is not data; losing it in a crash costs a poll interval)
      jdbc.sql("SELECT set_config('synchronous_commit', 'off', true), pg_notify(:channel, :payload)")
          .param("channel", JobRepository.CHANNEL)
          .param("payload", JobNotifications.QUEUED)
          .query((rs, n) -> 0)
          .list();
    } catch (RuntimeException e) {
      log.debug("could not notify the workers of queued jobs (they poll): {}", e.toString());
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
