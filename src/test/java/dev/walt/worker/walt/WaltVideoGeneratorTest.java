package dev.walt.worker.walt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.worker.GeneratedVideo;
import dev.walt.worker.GenerationContext;
import dev.walt.worker.GenerationTask;
import dev.walt.worker.JobCancelledException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The production generator on a small random model (no services): progress through every stage,
 * cancellation at the next step, determinism by seed, image-to-video input of any size, the job's size
 * checked against the model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WaltVideoGeneratorTest {

  WaltVideoGenerator generator;

  @BeforeAll
  void load() throws Exception {
    String location = SmallModel.folder().toString();
    ModelSettings settings = new ModelSettings(location, ModelSettings.DeviceChoice.CPU, true, 7, 1);
    generator = new WaltGeneratorFactory(settings, NativeMemorySettings.defaults(), ModelFolder.open(location), List.of(ai.djl.Device.cpu())).create(0);
  }

  @AfterAll
  void close() {
    generator.close();
  }

  static GenerationTask task(long seed, int steps, @Nullable BufferedImage image) {
    return new GenerationTask(UUID.randomUUID(), 1, "a red ball moves left", null, 17, SmallModel.SIZE, SmallModel.SIZE,
        SmallModel.FPS, seed, steps, 4.0f, image);
  }

  static final class Recording implements GenerationContext {
    final List<Integer> percents = new ArrayList<>();
    final List<String> stages = new ArrayList<>();
    int previews;
    int cancelAfter = Integer.MAX_VALUE;
    int checks;

    @Override
    public void progress(int percent, String stage) {
      percents.add(percent);
      stages.add(stage);
    }

    @Override
    public boolean cancelled() {
      return ++checks > cancelAfter;
    }

    @Override
    public void preview(List<BufferedImage> frames, int fps) {
      previews++;
    }
  }

  @Test
  void generatesTheModelsSizeFramesAndFpsWithProgressThroughEveryStage() throws Exception {
    Recording context = new Recording();
    GeneratedVideo video = generator.generate(task(1, 3, null), context);

    assertThat(video.frames()).hasSize(17);
    assertThat(video.fps()).isEqualTo(SmallModel.FPS);
    assertThat(video.frames().get(0).getWidth()).isEqualTo(SmallModel.SIZE);
    assertThat(video.frames().get(0).getHeight()).isEqualTo(SmallModel.SIZE);
    assertThat(context.percents).isSorted();
    assertThat(context.percents.get(0)).isZero();
    assertThat(context.percents.get(context.percents.size() - 1)).isEqualTo(100);
    assertThat(context.stages).contains("base", "sr1");
    // 3 base steps, sr1 4 * 3 / 8 -> 2 steps (rounded, at least 1): one check before each step
    assertThat(context.checks).isGreaterThanOrEqualTo(5);
  }

  @Test
  void theSameSeedAndParametersGiveTheSameVideoAndAnotherSeedAnother() throws Exception {
    GeneratedVideo a = generator.generate(task(42, 2, null), new Recording());
    GeneratedVideo b = generator.generate(task(42, 2, null), new Recording());
    GeneratedVideo c = generator.generate(task(43, 2, null), new Recording());

    assertThat(pixels(a)).isEqualTo(pixels(b));
    assertThat(pixels(a)).isNotEqualTo(pixels(c));
  }

  @Test
  void aCancelStopsTheSamplingAtTheNextStep() {
    Recording context = new Recording();
    context.cancelAfter = 3; // the 4th check sees the cancel
    assertThatThrownBy(() -> generator.generate(task(5, 40, null), context)).isInstanceOf(JobCancelledException.class);
    assertThat(context.checks).isEqualTo(4); // not one step more
    assertThat(context.percents.get(context.percents.size() - 1)).isLessThan(50);
  }

  @Test
  void anImageOfAnySizeIsResizedAndCroppedAndTheVideoHasTheModelsSize() throws Exception {
    BufferedImage image = new BufferedImage(90, 50, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, 90, 50);
    g.dispose();
    GeneratedVideo video = generator.generate(task(9, 2, image), new Recording());
    assertThat(video.frames()).hasSize(17);
    assertThat(video.frames().get(0).getWidth()).isEqualTo(SmallModel.SIZE);
    // with the same seed, the image changes the video
    assertThat(pixels(video)).isNotEqualTo(pixels(generator.generate(task(9, 2, null), new Recording())));
  }

  @Test
  void aJobForAnotherSizeIsRejectedAsInvalidInput() {
    GenerationTask wrong = new GenerationTask(UUID.randomUUID(), 1, "x", null, 17, 128, 128, 8, 1, 2, 4.0f, null);
    assertThatThrownBy(() -> generator.generate(wrong, new Recording()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generates 64x64");
  }

  @Test
  void jobsLeaveNoArraysAndNoSubManagersBehindUnderTheModelsManager() throws Exception {
    ai.djl.ndarray.NDManager manager = generator.pipeline().model().manager();
    generator.generate(task(3, 2, null), new Recording());
    generator.afterJob();
    List<String> arrays = uids(manager); // the weights and cached constants
    int managers = subManagers(manager);
    BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    for (int job = 0; job < 4; job++) {
      Recording context = new Recording();
      if (job == 2) {
        context.cancelAfter = 1; // ends by an exception in the middle of sampling
        assertThatThrownBy(() -> generator.generate(task(11, 4, null), context)).isInstanceOf(JobCancelledException.class);
      } else {
        generator.generate(task(10 + job, 2, job == 1 ? image : null), context);
      }
      generator.afterJob();
      assertThat(uids(manager)).as("arrays under the model's manager after job %d", job)
          .containsExactlyInAnyOrderElementsOf(arrays);
      assertThat(subManagers(manager)).as("sub-managers after job %d", job).isEqualTo(managers);
    }
  }

  static List<String> uids(ai.djl.ndarray.NDManager manager) {
    return manager.getManagedArrays().stream().map(ai.djl.ndarray.NDArray::getUid).toList();
  }

  /** The open sub-managers below a manager (DJL keeps them with its resources). */
  static int subManagers(ai.djl.ndarray.NDManager manager) throws Exception {
    java.lang.reflect.Field resources = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
    resources.setAccessible(true);
    int count = 0;
    for (Object resource : ((java.util.Map<?, ?>) resources.get(manager)).values()) {
      if (resource instanceof ai.djl.ndarray.NDManager sub) {
        count += 1 + subManagers(sub);
      }
    }
    return count;
  }

  /** Every pixel of every frame, as one digest (hex). */
  static String pixels(GeneratedVideo video) throws Exception {
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(4);
    for (BufferedImage f : video.frames()) {
      for (int rgb : f.getRGB(0, 0, f.getWidth(), f.getHeight(), null, 0, f.getWidth())) {
        sha.update(buffer.clear().putInt(rgb).array());
      }
    }
    return java.util.HexFormat.of().formatHex(sha.digest());
  }
}
