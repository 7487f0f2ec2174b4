package dev.walt.embedded;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the embedded PostgreSQL on its own thread as soon as the context creates this bean, so that
 * the first start's {@code initdb} (several seconds) overlaps the rest of the context's start-up.
 * {@link #await()} hands out the running server; {@link #close()} waits for a start in progress and
 * then stops the server, so a context that fails early leaves no PostgreSQL behind.
 */
final class EmbeddedPostgresStartup implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresStartup.class);

  private final CompletableFuture<EmbeddedPostgresServer> server = new CompletableFuture<>();

  EmbeddedPostgresStartup(Path dataDirectory, int port) {
    Thread starter =
        new Thread(
            () -> {
              try {
                server.complete(EmbeddedPostgresServer.start(dataDirectory, port));
              } catch (Throwable e) {
                server.completeExceptionally(e);
              }
            },
            "walt-embedded-postgres");
    starter.setDaemon(true);
    starter.start();
  }

  /** The running server; waits for the start; rethrows its failure. */
  EmbeddedPostgresServer await() {
    try {
      return server.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    EmbeddedPostgresServer running;
    try {
      running = server.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      log.debug("embedded PostgreSQL never started; nothing to stop", e);
      return;
    }
    running.close();
  }
}
