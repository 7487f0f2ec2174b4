package dev.walt.worker;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fast, deterministic generator for tests. What it does depends on words in the prompt:
 *
 * <ul>
 *   <li>{@code noop}: one pass, no waiting;
 *   <li>{@code slow}: 150 ms per step (else 20 ms);
 *   <li>{@code fail}: throws a (transient) failure on every attempt;
 *   <li>{@code block}: on attempt 1 waits for {@link #release(UUID)} (a worker that hangs), later
 *       attempts run normally.
 * </ul>
 *
 * <p>Each step checks cancellation first, then reports progress. Frames are filled with a colour
 * derived from the seed. Shared static counters let tests see what ran where.
 */
public final class TestGenerator implements VideoGenerator {

  /** Generations started, per job (every attempt counts). */
  public static final Map<UUID, AtomicInteger> RUNS = new ConcurrentHashMap<>();
  /** Start times (nanoTime) of each attempt, per job. */
  public static final Map<UUID, List<Long>> STARTS = new ConcurrentHashMap<>();
  /** Steps completed, per job (all attempts). */
  public static final Map<UUID, AtomicInteger> STEPS = new ConcurrentHashMap<>();
  /** Calls of {@link #afterJob()}, per job that ran last before the call. */
  public static final Map<UUID, AtomicInteger> AFTER_JOB = new ConcurrentHashMap<>();
  /** Jobs currently blocked inside the generator. */
  public static final Map<UUID, CountDownLatch> GATES = new ConcurrentHashMap<>();

  /** The factory to give a worker pool. */
  public static VideoGeneratorFactory factory() {
    return index -> new TestGenerator();
  }

  /** Lets a blocked job continue. */
  public static void release(UUID jobId) {
    GATES.computeIfAbsent(jobId, id -> new CountDownLatch(1)).countDown();
  }

  private volatile UUID lastJob;

  @Override
  public GeneratedVideo generate(GenerationTask task, GenerationContext context) throws Exception {
    lastJob = task.jobId();
    RUNS.computeIfAbsent(task.jobId(), id -> new AtomicInteger()).incrementAndGet();
    STARTS.computeIfAbsent(task.jobId(), id -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
    String prompt = task.prompt();
    if (prompt.contains("fail")) {
      throw new IllegalStateException("synthetic failure on attempt " + task.attempt());
    }
    if (prompt.contains("block") && task.attempt() == 1) {
      CountDownLatch gate = GATES.computeIfAbsent(task.jobId(), id -> new CountDownLatch(1));
      if (!gate.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("never released");
      }
    }
    if (!prompt.contains("noop")) {
      long stepMillis = prompt.contains("slow") ? 150 : 20;
      for (int step = 1; step <= task.steps(); step++) {
        context.checkCancelled();
        Thread.sleep(stepMillis);
        STEPS.computeIfAbsent(task.jobId(), id -> new AtomicInteger()).incrementAndGet();
        context.progress(step * 100 / task.steps(), "sampling");
      }
    }
    return new GeneratedVideo(frames(task), task.fps());
  }

  @Override
  public void afterJob() {
    if (lastJob != null) {
      AFTER_JOB.computeIfAbsent(lastJob, id -> new AtomicInteger()).incrementAndGet();
    }
  }

  private static List<BufferedImage> frames(GenerationTask task) {
    List<BufferedImage> frames = new ArrayList<>();
    for (int t = 0; t < task.frames(); t++) {
      BufferedImage image = new BufferedImage(task.width(), task.height(), BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setColor(new Color((int) ((task.seed() * 2654435761L + t * 40503L) & 0xffffff)));
      g.fillRect(0, 0, task.width(), task.height());
      g.dispose();
      frames.add(image);
    }
    return frames;
  }
}
