package dev.walt.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.walt.model.RefinerConfig;
import dev.walt.model.vae.CausalVae;
import dev.walt.model.vae.InputRefiner;
import dev.walt.model.vae.VaeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CascadeTest {

  /** c = 4, 4x space, 4x time, as few layers as possible (no residual blocks outside the middle). */
  static final VaeConfig TINY = new VaeConfig(4, List.of(1, 1, 1), 4, 4, 4, 0, 2);

  private static final NoiseSchedule SCHEDULE = NoiseSchedule.walt();
  private static NDManager manager;
  private static CausalVae vae;
  private static CausalVae otherVae;

  @BeforeAll
  static void build() {
    Engine.getInstance().setRandomSeed(5);
    manager = NDManager.newBaseManager();
    vae = new CausalVae(TINY);
    vae.initialize(manager);
    otherVae = new CausalVae(TINY);
    otherVae.initialize(manager);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** A deterministic stand-in network: v = 0.5 x_t + t / 1000. */
  static final Denoiser RANDOM =
      input -> input.noisy().mul(0.5f).add(input.timesteps().reshape(-1, 1, 1, 1, 1).div(1000f));

  private static Cascade threeStages(Denoiser base, Denoiser sr1, Denoiser sr2, CausalVae sr2Vae) {
    return new Cascade(
        SCHEDULE,
        List.of(
            new CascadeStage("base", base, vae, 8, 8, new SamplerSettings(3, 0, 1, true), 0),
            new CascadeStage("sr1", sr1, vae, 16, 16, new SamplerSettings(2, 0, 1, true), 0.25),
            new CascadeStage("sr2", sr2, sr2Vae, 32, 32, new SamplerSettings(2, 0.5, 1, false), 0.1)));
  }

  private static CascadeRequest request(int segments, NDArray image, long seed) {
    return new CascadeRequest(
        1, 9, segments, CascadeRequest.PAPER_OVERLAP, List.of(), image == null ? List.of() : List.of(image), seed);
  }

  @Test
  void progressRunsMonotonicallyFromZeroToHundredOverEveryStepOfEveryStage() {
    Cascade cascade = threeStages(RANDOM, RANDOM, RANDOM, vae);
    List<CascadeProgress> reports = new ArrayList<>();
    int modelArrays = manager.getManagedArrays().size();
    try (NDManager job = manager.newSubManager()) {
      NDArray video = cascade.generate(job, request(2, null, 1), reports::add, () -> false);
      // 9 frames, then 9 - 5 = 4 more; the last stage's size
      assertThat(video.getShape()).isEqualTo(new Shape(1, 3, 13, 32, 32));
      // every temporary of every step, stage and segment is gone
      assertThat(job.getManagedArrays()).containsExactly(video);
    }
    assertThat(manager.getManagedArrays()).hasSize(modelArrays);
    // start + 2 segments x (3 + 2 + 2) steps + end
    assertThat(reports).hasSize(16);
    assertThat(reports.get(0).percent()).isEqualTo(0.0);
    assertThat(reports.get(15).percent()).isEqualTo(100.0);
    for (int i = 1; i < reports.size(); i++) {
      assertThat(reports.get(i).percent()).isGreaterThanOrEqualTo(reports.get(i - 1).percent());
    }
    for (int i = 1; i <= 14; i++) {
      assertThat(reports.get(i).percent()).isEqualTo(100.0 * i / 14);
      assertThat(reports.get(i).x0Estimate()).isNotNull();
    }
    assertThat(reports.stream().skip(1).limit(7).map(CascadeProgress::stageName))
        .containsExactly("base", "base", "base", "sr1", "sr1", "sr2", "sr2");
    assertThat(reports.get(8).segment()).isEqualTo(1);
  }

  @Test
  void superResolutionStagesSeeThePreviousLatentAndTheAugmentationLevel() {
    List<Shape> lowResShapes = new ArrayList<>();
    List<Float> levels = new ArrayList<>();
    Denoiser sr =
        input -> {
          lowResShapes.add(input.lowRes().getShape());
          levels.add(input.noiseLevel().getFloat(0));
          return RANDOM.predictV(input);
        };
    Denoiser base =
        input -> {
          assertThat(input.lowRes()).isNull();
          assertThat(input.frameCondition()).isNull();
          return RANDOM.predictV(input);
        };
    // sr2 uses another VAE: the sr1 latent is decoded and re-encoded into its latent space
    NDArray video = threeStages(base, sr, sr, otherVae).generate(manager, request(1, null, 2), CascadeListener.NONE,
        () -> false);
    assertThat(video.getShape()).isEqualTo(new Shape(1, 3, 9, 32, 32));
    assertThat(lowResShapes)
        .containsExactly(new Shape(1, 4, 3, 2, 2), new Shape(1, 4, 3, 2, 2), new Shape(1, 4, 3, 4, 4),
            new Shape(1, 4, 3, 4, 4));
    assertThat(levels).containsExactly(0.25f, 0.25f, 0.1f, 0.1f);
  }

  @Test
  void anImageBecomesTheFirstKnownLatentFrameAndContinuationReencodesTheLastFiveFrames() {
    NDArray image = manager.randomUniform(-1f, 1f, new Shape(1, 3, 1, 8, 8));
    NDArray target = manager.randomNormal(new Shape(1, 4, 3, 2, 2));
    List<float[]> masks = new ArrayList<>();
    List<NDArray> conditions = new ArrayList<>();
    Denoiser base =
        input -> {
          masks.add(input.frameMask().toFloatArray());
          NDArray copy = input.frameCondition().duplicate();
          copy.attach(manager);
          conditions.add(copy);
          int t = Math.round(input.timesteps().getFloat(0));
          return SCHEDULE.vFromX0(input.noisy(), target, t);
        };
    Cascade cascade =
        new Cascade(SCHEDULE, List.of(new CascadeStage("base", base, vae, 8, 8, new SamplerSettings(2, 0, 1, true), 0)));
    NDArray video = cascade.generate(manager, request(2, image, 3), CascadeListener.NONE, () -> false);
    assertThat(video.getShape()).isEqualTo(new Shape(1, 3, 13, 8, 8));
    assertThat(masks.get(0)).containsExactly(1f, 0f, 0f);
    assertThat(masks.get(2)).containsExactly(1f, 1f, 0f);
    NDArray imageLatent = vae.encode(image);
    assertThat(maxAbs(conditions.get(0).get(":, :, 0:1").sub(imageLatent))).isLessThan(1e-6f);
    assertThat(maxAbs(conditions.get(0).get(":, :, 1:"))).isEqualTo(0f);
    // segment 1 samples x0 = target but keeps the known first latent frame (the image's)
    NDArray firstSegmentLatent = imageLatent.concat(target.get(":, :, 1:"), 2);
    NDArray firstSegment = vae.decode(firstSegmentLatent);
    NDArray expectedKnown = vae.encode(firstSegment.get(":, :, 4:9"));
    assertThat(maxAbs(conditions.get(2).get(":, :, 0:2").sub(expectedKnown))).isLessThan(1e-3f);
    // the output starts with segment 1 and appends segment 2 after the 5 overlapping frames
    assertThat(maxAbs(video.get(":, :, 0:9").sub(firstSegment))).isLessThan(1e-3f);
  }

  @Test
  void anImageGivenAtASuperResolutionStagesSizePinsItsFirstLatentFrame() {
    NDArray baseImage = manager.randomUniform(-1f, 1f, new Shape(1, 3, 1, 8, 8));
    NDArray srImage = manager.randomUniform(-1f, 1f, new Shape(1, 3, 1, 16, 16));
    List<NDArray> srConditions = new ArrayList<>();
    Denoiser sr =
        input -> {
          NDArray copy = input.frameCondition().duplicate();
          copy.attach(manager);
          srConditions.add(copy);
          assertThat(input.frameMask().toFloatArray()).containsExactly(1f, 0f, 0f);
          return RANDOM.predictV(input);
        };
    Cascade cascade =
        new Cascade(
            SCHEDULE,
            List.of(
                new CascadeStage("base", RANDOM, vae, 8, 8, new SamplerSettings(2, 0, 1, true), 0),
                new CascadeStage("sr1", sr, vae, 16, 16, new SamplerSettings(2, 0, 1, false), 0.1)));
    CascadeRequest request =
        new CascadeRequest(1, 9, 1, CascadeRequest.PAPER_OVERLAP, List.of(), List.of(baseImage, srImage), 7);
    NDArray video = cascade.generate(manager, request, CascadeListener.NONE, () -> false);
    NDArray srLatent = vae.encode(srImage);
    assertThat(srConditions).hasSize(2);
    for (NDArray c : srConditions) {
      assertThat(maxAbs(c.get(":, :, 0:1").sub(srLatent))).isLessThan(1e-6f);
    }
    // the decoder is causal: the output's first frame is the SR-size image through the autoencoder
    NDArray reconstructed = vae.decode(srLatent);
    assertThat(maxAbs(video.get(":, :, 0:1").sub(reconstructed))).isLessThan(1e-4f);
  }

  @Test
  void theSameSeedGivesTheSameVideo() {
    Cascade cascade = threeStages(RANDOM, RANDOM, RANDOM, vae);
    float[] a = cascade.generate(manager, request(1, null, 9), CascadeListener.NONE, () -> false).toFloatArray();
    float[] b = cascade.generate(manager, request(1, null, 9), CascadeListener.NONE, () -> false).toFloatArray();
    float[] c = cascade.generate(manager, request(1, null, 10), CascadeListener.NONE, () -> false).toFloatArray();
    assertThat(b).containsExactly(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void cancellationStopsTheCascadeAtTheNextStep() {
    AtomicInteger calls = new AtomicInteger();
    Denoiser counting =
        input -> {
          calls.incrementAndGet();
          return RANDOM.predictV(input);
        };
    double[] last = {0};
    Cascade cascade = threeStages(counting, counting, counting, vae);
    assertThatThrownBy(
            () -> cascade.generate(manager, request(1, null, 4), p -> last[0] = p.percent(), () -> last[0] >= 50))
        .isInstanceOf(CancellationException.class);
    // 7 steps: the 4th step (57%) is the first at or past 50%, nothing runs after it
    assertThat(calls.get()).isEqualTo(4);
  }

  @Test
  void rejectsAnImageOfTheWrongSize() {
    Cascade cascade = threeStages(RANDOM, RANDOM, RANDOM, vae);
    NDArray image = manager.zeros(new Shape(1, 3, 1, 16, 16));
    assertThatThrownBy(() -> cascade.generate(manager, request(1, image, 1), CascadeListener.NONE, () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the image of stage base must be (1, 3, 1, 8, 8)");
  }

  @Test
  void aRefinedLastStageWorksFromThePreviousStagesDecodedVideo() {
    // an untrained refiner returns bicubic upsampling of what it is given as the input: the video the stage
    // before it decodes, which a cascade ending there gives as its output (same seeds, stage by stage)
    InputRefiner refiner = new InputRefiner(new RefinerConfig(4, 2), 2);
    refiner.initialize(manager);
    refiner.zeroOutput();
    CascadeStage base = new CascadeStage("base", RANDOM, vae, 8, 8, new SamplerSettings(3, 0, 1, true), 0);
    CascadeStage sr1 = new CascadeStage("sr1", RANDOM, vae, 16, 16, new SamplerSettings(2, 0, 1, true), 0.25);
    CascadeStage sr2 =
        new CascadeStage("sr2", RANDOM, vae, 32, 32, new SamplerSettings(2, 0.5, 1, false), 0.1, refiner);
    for (int segments : new int[] {1, 2}) {
      NDArray previous =
          new Cascade(SCHEDULE, List.of(base, sr1)).generate(manager, request(segments, null, 9), CascadeListener.NONE,
              () -> false);
      NDArray refined =
          new Cascade(SCHEDULE, List.of(base, sr1, sr2)).generate(manager, request(segments, null, 9),
              CascadeListener.NONE, () -> false);
      assertThat(refined.getShape()).isEqualTo(new Shape(1, 3, segments == 1 ? 9 : 13, 32, 32));
      // the first segment exactly; a continued one re-encodes the refined tail, so only the first 9 frames compare
      NDArray expected = refiner.upsample(previous.get(":, :, 0:9"));
      assertThat(maxAbs(refined.get(":, :, 0:9").sub(expected))).as("%d segments", segments).isLessThan(1e-5f);
    }
  }

  @Test
  void inImageToVideoARefinedLastStageWorksFromTheImageItselfInTheFirstFrame() {
    InputRefiner refiner = new InputRefiner(new RefinerConfig(4, 2), 2);
    refiner.initialize(manager);
    refiner.zeroOutput();
    NDArray baseImage = manager.randomUniform(-1f, 1f, new Shape(1, 3, 1, 8, 8));
    NDArray srImage = manager.randomUniform(-1f, 1f, new Shape(1, 3, 1, 16, 16));
    Cascade cascade =
        new Cascade(SCHEDULE,
            List.of(new CascadeStage("base", RANDOM, vae, 8, 8, new SamplerSettings(3, 0, 1, true), 0),
                new CascadeStage("sr1", RANDOM, vae, 16, 16, new SamplerSettings(2, 0, 1, true), 0.25, refiner)));
    CascadeRequest request =
        new CascadeRequest(1, 9, 1, CascadeRequest.PAPER_OVERLAP, List.of(), List.of(baseImage, srImage), 9);
    NDArray video = cascade.generate(manager, request, CascadeListener.NONE, () -> false);
    // the base stage's image, upsampled: the untrained refiner's output for the first frame
    assertThat(maxAbs(video.get(":, :, 0:1").sub(refiner.upsample(baseImage)))).isLessThan(1e-5f);
    // the later frames come from the base stage's decoded video, not from the image
    assertThat(maxAbs(video.get(":, :, 1:2").sub(refiner.upsample(baseImage)))).isGreaterThan(1e-2f);
  }

  @Test
  void aCaptionRefinerRedrawsTheFirstStagesDecodedSampleAndKeepsTheKnownFrames() {
    NDArray image = manager.randomUniform(-1f, 1f, new Shape(1, 3, 1, 8, 8));
    NDArray target = manager.randomNormal(new Shape(1, 4, 3, 2, 2));
    Denoiser base = input -> SCHEDULE.vFromX0(input.noisy(), target, Math.round(input.timesteps().getFloat(0)));
    TextConditioning caption = new TextConditioning(manager.randomNormal(new Shape(1, 3, 6)), null, null, null);
    List<NDArray> captions = new ArrayList<>();
    FrameRefiner brighter = (video, text) -> {
      captions.add(text.tokens());
      return video.add(0.25f);
    };
    Cascade cascade = new Cascade(SCHEDULE, List.of(new CascadeStage("base", base, vae, 8, 8,
        new SamplerSettings(2, 0, 1, true), 0, null, null, brighter)));
    NDArray video = cascade.generate(manager,
        new CascadeRequest(1, 9, 1, CascadeRequest.PAPER_OVERLAP, List.of(caption), List.of(), 3),
        CascadeListener.NONE, () -> false);
    NDArray refined = vae.encode(vae.decode(target).add(0.25f)); // decoded, refined, encoded again
    assertThat(maxAbs(refined.sub(target))).as("the refiner changed the latent").isGreaterThan(1e-2f);
    assertThat(maxAbs(video.sub(vae.decode(refined)))).isLessThan(1e-4f);
    assertThat(captions).containsExactly(caption.tokens());
    // image-to-video: the image's latent frame stays as it is
    NDArray i2v = cascade.generate(manager,
        new CascadeRequest(1, 9, 1, CascadeRequest.PAPER_OVERLAP, List.of(caption), List.of(image), 3),
        CascadeListener.NONE, () -> false);
    NDArray known = vae.encode(image);
    NDArray sampled = vae.encode(vae.decode(known.concat(target.get(":, :, 1:"), 2)).add(0.25f));
    NDArray expected = vae.decode(known.concat(sampled.get(":, :, 1:"), 2));
    assertThat(maxAbs(i2v.sub(expected))).isLessThan(1e-4f);
    // no caption, no refining
    NDArray plain = cascade.generate(manager, request(1, null, 3), CascadeListener.NONE, () -> false);
    assertThat(maxAbs(plain.sub(vae.decode(target)))).isLessThan(1e-4f);
    assertThat(captions).hasSize(2);
  }

  @Test
  void aRefinedLastStageWorksFromTheFirstStagesRefinedVideoItself() {
    // an untrained refiner returns bicubic upsampling of its input: here the caption refiner's output, not that
    // output encoded and decoded again
    InputRefiner refiner = new InputRefiner(new RefinerConfig(4, 2), 2);
    refiner.initialize(manager);
    refiner.zeroOutput();
    NDArray target = manager.randomNormal(new Shape(1, 4, 3, 2, 2));
    Denoiser base = input -> SCHEDULE.vFromX0(input.noisy(), target, Math.round(input.timesteps().getFloat(0)));
    FrameRefiner brighter = (video, text) -> video.add(0.25f);
    TextConditioning caption = new TextConditioning(manager.randomNormal(new Shape(1, 3, 6)), null, null, null);
    Cascade cascade = new Cascade(SCHEDULE, List.of(
        new CascadeStage("base", base, vae, 8, 8, new SamplerSettings(2, 0, 1, true), 0, null, null, brighter),
        new CascadeStage("sr1", RANDOM, vae, 16, 16, new SamplerSettings(2, 0, 1, false), 0.1, refiner)));
    NDArray video = cascade.generate(manager,
        new CascadeRequest(1, 9, 1, CascadeRequest.PAPER_OVERLAP, List.of(caption), List.of(), 3),
        CascadeListener.NONE, () -> false);
    assertThat(maxAbs(video.sub(refiner.upsample(vae.decode(target).add(0.25f))))).isLessThan(1e-5f);
  }

  private static float maxAbs(NDArray a) {
    return a.abs().max().getFloat();
  }
}
