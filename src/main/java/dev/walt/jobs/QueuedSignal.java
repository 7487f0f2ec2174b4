package dev.walt.jobs;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Wakes idle workers after new jobs are committed: one {@code NOTIFY walt_jobs 'queued'} for however many
 * creates committed while the previous one was being sent, one at a time per instance, each in a
 * transaction of its own that does not wait for a WAL flush.
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

  private final Runnable send;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "walt-queued-signal");
    thread.setDaemon(true);
    return thread;
  });

  @Autowired
  QueuedSignal(JdbcClient jdbc) {
    this(() -> notifyQueued(jdbc));
  }

  /** With {@code send} as the NOTIFY (tests); it must not throw. */
  QueuedSignal(Runnable send) {
    this.send = send;
  }

  /** A job was queued by the current statement: signal once the transaction commits (at once without one). */
  void afterCommit() {
    AfterCommit.run(this::signal);
  }

  /**
   * Sends a NOTIFY: on this thread when none is being sent (the notification leaves at once, without waking
   * another thread), else once more after the one in flight, from the sender thread.
   */
  void signal() {
    pending.set(true);
    if (!sending.compareAndSet(false, true)) {
      return;
    }
    try {
      pending.set(false);
      send.run();
    } finally {
      sending.set(false);
    }
    handOff();
  }

  /** Signals that came while a NOTIFY was being sent get one more, from the sender thread. */
  private void handOff() {
    if (pending.get() && sending.compareAndSet(false, true)) {
      try {
        sender.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        sending.set(false); // closed: the workers' polls find the jobs
      }
    }
  }

  private void drain() {
    try {
      while (pending.getAndSet(false)) {
        send.run();
      }
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
