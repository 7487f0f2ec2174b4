package dev.walt.worker.walt;

import ai.djl.pytorch.jni.JniUtils;
import dev.walt.model.pipeline.GenerationListener;
import dev.walt.model.pipeline.GenerationProgress;
import dev.walt.model.pipeline.GenerationSpec;
import dev.walt.model.pipeline.ModelLimits;
import dev.walt.model.pipeline.WaltPipeline;
import dev.walt.video.Clip;
import dev.walt.worker.GeneratedVideo;
import dev.walt.worker.GenerationContext;
import dev.walt.worker.GenerationTask;
import dev.walt.worker.JobCancelledException;
import dev.walt.worker.VideoGenerator;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production generator of one worker: its own {@link WaltPipeline} (and so its own model and
 * NDManager, never shared with another worker), used only on that worker's platform thread.
 *
 * <p>Per job: the task becomes a {@link GenerationSpec} (prompt, negative prompt, the decoded image
 * that the pipeline resizes and centre-crops to the base size, frames, seed, steps, guidance); the
 * pipeline's progress (0-100 over base, super-resolution and decode) goes to {@link
 * GenerationContext#progress}, its throttled previews to {@link GenerationContext#preview}, and {@link
 * GenerationContext#cancelled()} is its cancellation check before every sampling step. Every tensor of
 * the job lives in the pipeline's per-job scope, closed when {@code generate} returns or throws. The
 * same seed and parameters give the same video on the same kind of device. After each job ({@link
 * #afterJob}) the C heap's free pages go back to the system ({@code walt.worker.native-memory.trim-after-job},
 * see {@link NativeMemory}).
 */
public final class WaltVideoGenerator implements VideoGenerator, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WaltVideoGenerator.class);

  private final WaltPipeline pipeline;
  private final ModelLimits limits;
  private final NativeMemorySettings nativeMemory;

  public WaltVideoGenerator(WaltPipeline pipeline, NativeMemorySettings nativeMemory) {
    this.pipeline = pipeline;
    this.limits = pipeline.limits();
    this.nativeMemory = nativeMemory;
  }

  public WaltPipeline pipeline() {
    return pipeline;
  }

  /** The spec of a task, after checking what the API checked already (the model may have changed). */
  GenerationSpec spec(GenerationTask task) {
    if (task.width() != limits.width() || task.height() != limits.height()) {
      throw new IllegalArgumentException("model " + limits.model() + " generates " + limits.width() + "x"
          + limits.height() + ", the job asks for " + task.width() + "x" + task.height());
    }
    return new GenerationSpec(task.prompt(), task.negativePrompt(), task.image(), task.frames(), task.seed(),
        task.steps(), (double) task.guidanceScale());
  }

  @Override
  public GeneratedVideo generate(GenerationTask task, GenerationContext context) throws JobCancelledException {
    GenerationSpec spec = spec(task);
    context.checkCancelled();
    JniUtils.setGradMode(false); // per thread; the pipeline also guards each call
    GenerationListener listener = new GenerationListener() {
      @Override
      public void onProgress(GenerationProgress progress) {
        context.progress((int) Math.floor(progress.percent()), progress.stage());
      }

      @Override
      public void onPreview(Clip preview, GenerationProgress at) {
        context.preview(preview.frames(), preview.fps());
      }
    };
    Clip clip;
    try {
      clip = pipeline.generate(spec, listener, context::cancelled);
    } catch (CancellationException e) {
      throw new JobCancelledException();
    }
    return new GeneratedVideo(clip.frames(), clip.fps());
  }

  /**
   * The job's tensors are gone (its scope closed when {@code generate} returned) and its outputs are
   * encoded: their memory is free in the C heap but still resident; trimming gives it back.
   */
  @Override
  public void afterJob() {
    if (nativeMemory.trimAfterJob()) {
      long start = System.nanoTime();
      NativeMemory.trim();
      log.debug("C heap trimmed in {} µs", (System.nanoTime() - start) / 1000);
    }
  }

  @Override
  public void close() {
    pipeline.model().close();
  }
}
