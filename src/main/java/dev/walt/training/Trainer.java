package dev.walt.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.walt.model.checkpoint.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Runs an {@link Objective}: per step, the loss with gradient recording on, backward, global-norm clipping,
 * AdamW with warmup + cosine learning rate, EMA of the weights. Step {@code n} draws its data and every
 * random choice from {@code (seed, n)} alone, so a run resumed from a checkpoint continues bit-identically.
 *
 * <p>Work folder: {@code checkpoint/} (weights, EMA, Adam moments as DJL NDList files, state.json), {@code
 * loss.csv}, {@code loss.png}. Per-step arrays live in a sub-manager closed after the step; the EMA and
 * moments on a manager owned by the trainer. Runs on the calling thread (PyTorch's gradient mode is per
 * thread). Not thread-safe.
 */
public final class Trainer implements AutoCloseable {

  private static final double SMOOTHING = 0.98;
  private static final String CHECKPOINT = "checkpoint";

  /** What a checkpoint remembers besides the arrays. */
  record State(String objective, long step, long seed, double lossAverage, double seconds, List<String> names) {}

  private final String name;
  private final Objective objective;
  private final TrainerSettings settings;
  private final Path work;
  private final NDManager manager;
  private final NDManager parameterManager;
  private final List<NDArray> parameters;
  private final AdamW optimizer;
  private final Ema ema;
  private final LearningRateSchedule schedule;
  private LossLog log;
  private long step;
  private double lossAverage;
  private double seconds;

  /**
   * @param name the stage's name (recorded in checkpoints)
   * @param manager the manager of the trained parameters (the trainer's state goes on a sub-manager)
   */
  public Trainer(String name, Objective objective, TrainerSettings settings, Path work, NDManager manager)
      throws IOException {
    this.name = name;
    this.objective = objective;
    this.settings = settings;
    this.work = work;
    this.parameterManager = manager;
    this.manager = manager.newSubManager();
    this.parameters = objective.parameters().arrays();
    Grad.set(false);
    this.optimizer =
        new AdamW(parameters, this.manager, settings.beta1(), settings.beta2(), settings.epsilon(), settings.weightDecay());
    this.ema = new Ema(parameters, this.manager, settings.emaDecay());
    this.schedule = settings.schedule();
    Files.createDirectories(work);
    Path old = work.resolve(CHECKPOINT + ".old");
    if (!Files.exists(work.resolve(CHECKPOINT)) && Files.isRegularFile(old.resolve("state.json"))) {
      Files.move(old, work.resolve(CHECKPOINT)); // interrupted between the two moves of checkpoint()
    }
    this.log = new LossLog(work, 0);
  }

  /** The random stream of step {@code n}. */
  static SplittableRandom random(long seed, long n) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
  }

  /** One update; returns the loss before it. */
  public double step() {
    double lr = schedule.at(step);
    double loss;
    double norm;
    try (NDManager scope = parameterManager.newSubManager()) {
      SplittableRandom random = random(settings.seed(), step);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray value = objective.loss(scope, step, random);
        collector.backward(value);
        loss = value.getFloat();
      }
      Grad.set(false);
      List<NDArray> gradients = new ArrayList<>(parameters.size());
      for (NDArray p : parameters) {
        NDArray g = p.getGradient();
        g.attach(scope);
        gradients.add(g);
      }
      norm = GradientClipping.clip(gradients, settings.clipNorm());
      boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
      if (finite) {
        optimizer.step(parameters, gradients, lr, scope);
        consecutiveNonFinite = 0;
      } else if (++consecutiveNonFinite > MAX_CONSECUTIVE_NON_FINITE) {
        throw new IllegalStateException("loss or gradient is not finite at step " + step + ": " + loss + ", " + norm
            + " (" + consecutiveNonFinite + " steps in a row)");
      } else {
        // a rare non-finite gradient (seen at isolated steps): skip this update, keep weights and EMA
        System.err.println("step " + step + ": loss or gradient not finite (" + loss + ", " + norm + "), update skipped;"
            + " non-finite gradients: " + nonFinite(gradients));
      }
      for (NDArray p : parameters) {
        JniUtils.zeroGrad((PtNDArray) p);
      }
      if (finite) {
        ema.update(parameters, step, scope);
      }
    }
    step++;
    if (Double.isFinite(loss)) {
      lossAverage = SMOOTHING * lossAverage + (1 - SMOOTHING) * loss;
    }
    lastNorm = norm;
    return loss;
  }

  private double lastNorm;

  /** Names of the parameters whose gradient holds a NaN or an infinity (at most 8, then a count). */
  private String nonFinite(List<NDArray> gradients) {
    List<String> names = objective.parameters().names();
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < gradients.size(); i++) {
      NDArray g = gradients.get(i);
      try (NDArray any = g.isNaN().logicalOr(g.isInfinite()).any()) {
        if (any.getBoolean()) {
          bad.add(names.get(i));
        }
      }
    }
    return bad.size() <= 8 ? bad.toString() : bad.subList(0, 8) + " and " + (bad.size() - 8) + " more";
  }

  /** Non-finite updates tolerated in a row (each is skipped) before training stops. */
  static final int MAX_CONSECUTIVE_NON_FINITE = 5;

  private int consecutiveNonFinite;

  /** Trains until {@code settings.steps()} (or {@code until}, whichever is first), checkpointing on the way. */
  public void train(long until, Progress progress) throws IOException {
    long end = Math.min(until, settings.steps());
    long startStep = step;
    long started = System.nanoTime();
    while (step < end) {
      long t0 = System.nanoTime();
      double loss = step();
      seconds += (System.nanoTime() - t0) / 1e9;
      log.add(new LossLog.Row(step, loss, smoothedLoss(), schedule.at(step - 1), lastNorm, seconds));
      double rate = (step - startStep) / ((System.nanoTime() - started) / 1e9);
      if (progress != null) {
        progress.update(name, step, settings.steps(), smoothedLoss(), schedule.at(step - 1), rate);
      }
      if (step % settings.checkpointEvery() == 0 || step == end) {
        checkpoint();
      }
    }
  }

  /** The bias-corrected running mean of the loss. */
  public double smoothedLoss() {
    return step == 0 ? Double.NaN : lossAverage / (1 - Math.pow(SMOOTHING, step));
  }

  public long currentStep() {
    return step;
  }

  public LossLog log() {
    return log;
  }

  public Ema ema() {
    return ema;
  }

  public AdamW optimizer() {
    return optimizer;
  }

  /** Whether the work folder holds a checkpoint. */
  public boolean hasCheckpoint() {
    return Files.isRegularFile(work.resolve(CHECKPOINT).resolve("state.json"));
  }

  /** The step of the work folder's checkpoint, or -1. */
  public long checkpointStep() throws IOException {
    return hasCheckpoint() ? readState().step() : -1;
  }

  /** Writes weights, EMA, moments and state to {@code work/checkpoint} (atomically), and the loss log. */
  public void checkpoint() throws IOException {
    Path tmp = work.resolve(CHECKPOINT + ".tmp");
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    write(tmp.resolve("weights.ndlist"), parameters);
    write(tmp.resolve("ema.ndlist"), ema.shadows());
    write(tmp.resolve("adam_m.ndlist"), optimizer.firstMoments());
    write(tmp.resolve("adam_v.ndlist"), optimizer.secondMoments());
    State state = new State(name, step, settings.seed(), lossAverage, seconds, objective.parameters().names());
    Files.writeString(tmp.resolve("state.json"), Checkpoints.json().writerWithDefaultPrettyPrinter().writeValueAsString(state));
    Path target = work.resolve(CHECKPOINT);
    Path old = work.resolve(CHECKPOINT + ".old");
    deleteRecursively(old);
    if (Files.exists(target)) {
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    deleteRecursively(old);
    log.write();
  }

  /** Restores the work folder's checkpoint: weights, EMA, moments, step and loss history. */
  public void resume() throws IOException {
    State state = readState();
    if (!state.objective().equals(name) || !state.names().equals(objective.parameters().names())) {
      throw new IllegalStateException("the checkpoint in " + work + " is of another stage or model (" + state.objective() + ")");
    }
    if (state.seed() != settings.seed()) {
      throw new IllegalStateException("the checkpoint was trained with seed " + state.seed() + ", not " + settings.seed());
    }
    Path dir = work.resolve(CHECKPOINT);
    read(dir.resolve("weights.ndlist"), parameters);
    read(dir.resolve("ema.ndlist"), ema.shadows());
    read(dir.resolve("adam_m.ndlist"), optimizer.firstMoments());
    read(dir.resolve("adam_v.ndlist"), optimizer.secondMoments());
    optimizer.setUpdates(state.step());
    step = state.step();
    lossAverage = state.lossAverage();
    seconds = state.seconds();
    log = new LossLog(work, step);
  }

  /** Copies the EMA weights into the trained parameters (for export; training should not go on after). */
  public void loadEmaIntoParameters() {
    for (int i = 0; i < parameters.size(); i++) {
      parameters.get(i).set(ema.shadows().get(i).toByteBuffer());
    }
  }

  private State readState() throws IOException {
    return Checkpoints.json().readValue(Files.readString(work.resolve(CHECKPOINT).resolve("state.json")), State.class);
  }

  private static void write(Path file, List<NDArray> arrays) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      NDList list = new NDList(arrays.size());
      list.addAll(arrays);
      list.encode(out);
    }
  }

  private void read(Path file, List<NDArray> into) throws IOException {
    try (NDManager scope = parameterManager.newSubManager(); InputStream in = Files.newInputStream(file)) {
      NDList list = NDList.decode(scope, in);
      if (list.size() != into.size()) {
        throw new IllegalStateException(file + " holds " + list.size() + " arrays, expected " + into.size());
      }
      for (int i = 0; i < into.size(); i++) {
        if (!list.get(i).getShape().equals(into.get(i).getShape())) {
          throw new IllegalStateException(file + ": array " + i + " has shape " + list.get(i).getShape());
        }
        into.get(i).set(list.get(i).toByteBuffer());
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
