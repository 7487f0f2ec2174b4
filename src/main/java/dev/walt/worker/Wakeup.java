package dev.walt.worker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes idle workers. A worker reads {@link #sequence()} before it looks for work and waits only if no
 * signal came since, so a notification that arrives between an empty claim and the wait is not lost.
 */
final class Wakeup {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signalled = lock.newCondition();
  private long sequence;

  long sequence() {
    lock.lock();
    try {
      return sequence;
    } finally {
      lock.unlock();
    }
  }

  void signalAll() {
    lock.lock();
    try {
      sequence++;
      signalled.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a signal newer than {@code seen} or the timeout. */
  void await(long seen, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (sequence == seen && nanos > 0) {
        nanos = signalled.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  static void sleep(Duration duration) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(duration.toNanos());
  }
}
