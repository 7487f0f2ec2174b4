package dev.walt;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The walt service: {@code java -jar walt.jar} runs the HTTP API and the worker pool.
 *
 * <p>The first argument may name a command-line tool instead of the server (see {@link Commands}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WaltApplication {

  public static void main(String[] args) {
    if (Commands.isCommand(args)) {
      System.exit(Commands.run(args));
    }
    SpringApplication.run(WaltApplication.class, args);
  }
}
