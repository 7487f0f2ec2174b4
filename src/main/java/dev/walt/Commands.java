package dev.walt;

import dev.walt.model.Bench;
import dev.walt.model.pipeline.CascadeBench;
import dev.walt.model.pipeline.EvalCommand;
import dev.walt.model.pipeline.GenerateCommand;
import dev.walt.training.TrainCommand;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Subcommands of the executable jar that run without the HTTP server ({@code generate}, {@code bench},
 * {@code train}, {@code eval}, ...). Each feature registers its commands in {@link #COMMANDS}.
 */
final class Commands {

  /** name -> entry point taking the remaining arguments and returning the exit status. */
  private static final Map<String, ToIntFunction<String[]>> COMMANDS = new TreeMap<>();

  static {
    COMMANDS.put("help", Commands::help);
    CascadeBench.register();
    COMMANDS.put("bench", Bench::run);
    COMMANDS.put("generate", GenerateCommand::run);
    COMMANDS.put("eval", EvalCommand::run);
    COMMANDS.put("train", TrainCommand::run);
    // deployment (issue 8): the Helm chart's migration hook Job and the image build's native warm-up
    COMMANDS.put("migrate", dev.walt.system.MigrateCommand::run);
    COMMANDS.put("warm-up", dev.walt.system.WarmUpCommand::run);
  }

  /** The commands that run the model: large tensors from the C heap (NativeMemory.keepBlocksInHeapUpTo). */
  private static final java.util.Set<String> MODEL_COMMANDS = java.util.Set.of("bench", "generate", "eval", "train", "warm-up");

  private Commands() {}

  static boolean isCommand(String[] args) {
    return args.length > 0 && COMMANDS.containsKey(args[0]);
  }

  static int run(String[] args) {
    if (MODEL_COMMANDS.contains(args[0])) {
      dev.walt.worker.walt.NativeMemory.keepBlocksInHeapUpTo(
          dev.walt.worker.walt.NativeMemorySettings.DEFAULT_HEAP_BLOCKS.toBytes());
    }
    return COMMANDS.get(args[0]).applyAsInt(Arrays.copyOfRange(args, 1, args.length));
  }

  private static int help(String[] args) {
    System.out.println("usage: java -jar walt.jar [" + String.join(" | ", COMMANDS.keySet()) + "] [options]");
    System.out.println("with no command the service starts (HTTP API and worker pool)");
    return 0;
  }
}
