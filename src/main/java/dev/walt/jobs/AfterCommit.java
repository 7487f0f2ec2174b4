package dev.walt.jobs;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Work that must see only committed changes: run after the current transaction commits, or now without one. */
public final class AfterCommit {

  private AfterCommit() {}

  /** Runs {@code action} once the current transaction committed (never if it rolls back), or now outside one. */
  public static void run(Runnable action) {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          action.run();
        }
      });
    } else {
      action.run();
    }
  }
}
