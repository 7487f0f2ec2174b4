package dev.walt.model.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.walt.model.TestModels;
import dev.walt.model.WaltModel;
import dev.walt.model.diffusion.Denoiser;
import dev.walt.video.Clip;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class WaltPipelineTest {

  private static final String PROMPT = "a red circle moving left on a black background";
  private static WaltModel model;
  private static WaltPipeline pipeline;

  @TempDir Path dir;

  @BeforeAll
  static void create() {
    model = WaltModel.randomWeights(TestModels.small(), 11, Device.cpu());
    pipeline = new WaltPipeline(model);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static Clip generate(WaltPipeline p, GenerationSpec spec) {
    return p.generate(spec, GenerationListener.NONE, () -> false);
  }

  @Test
  void producesTheLastStagesSizeAndFpsAndTheSameFramesForTheSameSeed() {
    Clip clip = generate(pipeline, GenerationSpec.text(PROMPT, 9, 42));
    assertThat(clip.frameCount()).isEqualTo(9);
    assertThat(clip.width()).isEqualTo(16);
    assertThat(clip.height()).isEqualTo(16);
    assertThat(clip.fps()).isEqualTo(8);
    float[] a = clip.toRgb();
    float[] b = generate(pipeline, GenerationSpec.text(PROMPT, 9, 42)).toRgb();
    float[] c = generate(pipeline, GenerationSpec.text(PROMPT, 9, 43)).toRgb();
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void theNegativePromptReplacesTheUnconditionalBranch() {
    GenerationSpec spec = GenerationSpec.text(PROMPT, 9, 5).withGuidance(3.0);
    float[] plain = generate(pipeline, spec).toRgb();
    float[] negative = generate(pipeline, spec.withNegativePrompt("a blue square")).toRgb();
    assertThat(negative).isNotEqualTo(plain);
  }

  @Test
  void theBaseStagesGuideSteersTheSampleOnlyWithAScaleAndLeavesGradientsOff() {
    GenerationSpec spec = GenerationSpec.text(PROMPT, 9, 6);
    float[] plain = generate(pipeline, spec).toRgb();
    // the guide is built after every other part, so the same seed gives the same other weights
    try (WaltModel off = WaltModel.randomWeights(TestModels.withGuide(TestModels.small(), 8, 0), 11, Device.cpu());
        WaltModel on = WaltModel.randomWeights(TestModels.withGuide(TestModels.small(), 8, 50), 11, Device.cpu())) {
      assertThat(generate(new WaltPipeline(off), spec).toRgb()).isEqualTo(plain);
      float[] guided = generate(new WaltPipeline(on), spec).toRgb();
      assertThat(guided).isNotEqualTo(plain);
      assertThat(ai.djl.pytorch.jni.JniUtils.isGradMode()).as("gradient recording is off again").isFalse();
    }
  }

  @Test
  void theBaseStagesCaptionRefinerIsWhatTheCascadeRuns() {
    GenerationSpec spec = GenerationSpec.text(PROMPT, 9, 6);
    // the caption refiner is built after every other part, so the same seed gives the same other weights; an
    // untrained one returns the decoded sample as it is, which is then encoded again for the next stage
    try (WaltModel refined =
        WaltModel.randomWeights(TestModels.withCaptionRefiner(TestModels.small(), 8, 2), 11, Device.cpu())) {
      WaltPipeline withRefiner = new WaltPipeline(refined);
      float[] untrained = generate(withRefiner, spec).toRgb();
      assertThat(untrained).hasSize(generate(pipeline, spec).toRgb().length);
      assertThat(generate(withRefiner, spec).toRgb()).as("deterministic").isEqualTo(untrained);
      try (NDManager scope = refined.manager().newSubManager()) {
        for (var pair : refined.captionRefiner(0).getParameters()) {
          NDArray array = pair.getValue().getArray();
          array.set(scope.randomNormal(0, 0.1f, array.getShape(), array.getDataType()).toFloatArray());
        }
      }
      assertThat(generate(withRefiner, spec).toRgb()).as("the refiner's weights change the video")
          .isNotEqualTo(untrained);
    }
  }

  @Test
  void aRedrawOfTheBaseStageWithADenoiserThatKnowsTheClipIsItsReconstruction() {
    List<BufferedImage> frames = new ArrayList<>();
    for (int t = 0; t < 9; t++) {
      BufferedImage frame = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = frame.createGraphics();
      g.setColor(Color.ORANGE);
      g.fillRect(t % 5, 2, 3, 3);
      g.dispose();
      frames.add(frame);
    }
    Clip clip = new Clip(frames, 8);
    NDArray latent;
    try (NDManager scope = model.manager().newSubManager()) {
      latent = model.vae().encode(scope.create(clip.toRgb(), new Shape(1, 3, 9, 8, 8)));
      latent.attach(model.manager());
    }
    var schedule = model.config().diffusion().noiseSchedule();
    Denoiser knows = input -> schedule.vFromX0(input.noisy(), latent, Math.round(input.timesteps().getFloat(0)));
    WaltPipeline oracle = new WaltPipeline(model, Duration.ofSeconds(1), System::nanoTime, d -> knows);
    float[] reconstruction = pipeline.reconstruct(clip).toRgb();
    for (double strength : new double[] {0.5, 1.0}) {
      float[] redrawn = oracle.redrawBase(clip, PROMPT, 3, strength).toRgb();
      assertThat(redrawn).hasSameSizeAs(reconstruction);
      for (int i = 0; i < redrawn.length; i++) {
        assertThat(redrawn[i]).as("value %d at strength %s", i, strength).isCloseTo(reconstruction[i],
            org.assertj.core.api.Assertions.within(2e-3f));
      }
    }
    latent.close();
    // the model's own base stage: deterministic, and another seed draws another video
    float[] a = pipeline.redrawBase(clip, PROMPT, 3, 0.7).toRgb();
    assertThat(pipeline.redrawBase(clip, PROMPT, 3, 0.7).toRgb()).isEqualTo(a);
    assertThat(pipeline.redrawBase(clip, PROMPT, 4, 0.7).toRgb()).isNotEqualTo(a);
    assertThatThrownBy(() -> pipeline.redrawBase(new Clip(frames.subList(0, 5), 8), PROMPT, 3, 0.7))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the clip must be 9 frames of 8x8, got 5 of 8x8");
    assertThatThrownBy(() -> pipeline.redrawBase(clip, PROMPT, 3, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("strength must be in (0, 1], got 0.0");
  }

  @Test
  void aLoadedModelGeneratesExactlyWhatTheOriginalDid() throws Exception {
    model.save(dir, DataType.FLOAT32);
    float[] original = generate(pipeline, GenerationSpec.text(PROMPT, 9, 9)).toRgb();
    try (WaltModel loaded = WaltModel.load(dir)) {
      assertThat(generate(new WaltPipeline(loaded), GenerationSpec.text(PROMPT, 9, 9)).toRgb()).isEqualTo(original);
    }
  }

  @Test
  void imageToVideoGivesTheEncodedImageAsTheKnownFirstLatentFrame() {
    BufferedImage image = new BufferedImage(48, 24, BufferedImage.TYPE_INT_RGB); // any size: cropped to 8 x 8
    Graphics2D g = image.createGraphics();
    g.setColor(Color.BLUE);
    g.fillRect(0, 0, 48, 24);
    g.setColor(Color.YELLOW);
    g.fillOval(18, 6, 12, 12);
    g.dispose();
    List<float[]> known = new ArrayList<>();
    List<float[]> masks = new ArrayList<>();
    UnaryOperator<Denoiser> spy =
        denoiser -> denoiser != model.stages().get(0)
            ? denoiser
            : input -> {
                known.add(input.frameCondition().get(":, :, 0").toFloatArray());
                masks.add(input.frameMask().toFloatArray());
                return denoiser.predictV(input);
              };
    List<Clip> previews = new ArrayList<>();
    WaltPipeline spied = new WaltPipeline(model, Duration.ZERO, System::nanoTime, spy);
    Clip clip =
        spied.generate(
            GenerationSpec.text(PROMPT, 9, 3).withImage(image),
            new GenerationListener() {
              @Override
              public void onPreview(Clip preview, GenerationProgress at) {
                previews.add(preview);
              }
            },
            () -> false);
    assertThat(clip.frameCount()).isEqualTo(9);

    // the same image, cropped to its centre square 24 x 24 and resized to 8 x 8, encoded independently
    BufferedImage fitted = dev.walt.video.Images.resizeAndCenterCrop(image, 8, 8);
    float[] expected;
    float[] roundTrip;
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray pixels = scope.create(new Clip(List.of(fitted), 8).toRgb(), new Shape(1, 3, 1, 8, 8));
      NDArray latent = model.vae().encode(pixels);
      expected = latent.toFloatArray();
      roundTrip = model.vae().decode(latent).toFloatArray();
    }
    assertThat(known).hasSize(4); // 2 steps, guided: conditional and unconditional branches
    for (float[] k : known) {
      assertThat(k).isEqualTo(expected);
    }
    for (float[] m : masks) {
      assertThat(m).containsExactly(1, 0, 0);
    }
    // the final x0 estimate keeps the known frame: its decoded first frame is the image through the VAE
    assertThat(previews).hasSize(2);
    Clip last = previews.get(1);
    assertThat(last.width()).isEqualTo(8);
    assertThat(last.frameCount()).isEqualTo(9);
    float[] first = new Clip(List.of(last.frames().get(0)), 8).toRgb();
    float[] reference = Clip.fromRgb(roundTrip, 1, 8, 8, 8).toRgb();
    for (int i = 0; i < first.length; i++) {
      assertThat(Math.abs(first[i] - reference[i])).isLessThanOrEqualTo(1 / 127.5f + 1e-6f);
    }
    // the output's first frame is the image fitted to the output size (16 x 16) through the autoencoder
    BufferedImage fittedOut = dev.walt.video.Images.resizeAndCenterCrop(image, 16, 16);
    float[] outReference;
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray pixels = scope.create(new Clip(List.of(fittedOut), 8).toRgb(), new Shape(1, 3, 1, 16, 16));
      outReference = Clip.fromRgb(model.vae().decode(model.vae().encode(pixels)).toFloatArray(), 1, 16, 16, 8).toRgb();
    }
    float[] outFirst = new Clip(List.of(clip.frames().get(0)), 8).toRgb();
    for (int i = 0; i < outFirst.length; i++) {
      assertThat(Math.abs(outFirst[i] - outReference[i])).isLessThanOrEqualTo(1 / 127.5f + 1e-6f);
    }
  }

  @Test
  void progressRisesFrom0To100AndPreviewsAreThrottled() {
    List<GenerationProgress> reports = new ArrayList<>();
    AtomicInteger previews = new AtomicInteger();
    long[] now = {0};
    // every clock reading advances 1 s; previews at most every 3 s
    WaltPipeline throttled =
        new WaltPipeline(model, Duration.ofSeconds(3), () -> now[0] += 1_000_000_000L, UnaryOperator.identity());
    throttled.generate(
        GenerationSpec.text(PROMPT, 13, 2).withSteps(4),
        new GenerationListener() {
          @Override
          public void onProgress(GenerationProgress progress) {
            reports.add(progress);
          }

          @Override
          public void onPreview(Clip preview, GenerationProgress at) {
            previews.incrementAndGet();
          }
        },
        () -> false);
    // 2 segments x (4 base + 4 sr1 steps) + start + end
    assertThat(reports).hasSize(18);
    assertThat(reports.get(0).percent()).isEqualTo(0);
    assertThat(reports.get(reports.size() - 1).percent()).isEqualTo(100);
    for (int i = 1; i < reports.size(); i++) {
      assertThat(reports.get(i).percent()).isGreaterThanOrEqualTo(reports.get(i - 1).percent());
    }
    assertThat(reports).extracting(GenerationProgress::stage).contains("base", "sr1");
    // the clock is read at the start (1 s) and at every report (start 2 s, then one second per step): base
    // steps of segment 0 read 3..6 s, of segment 1 11..14 s; a preview when 3 s passed: at 4, 11 and 14 s
    assertThat(previews.get()).isEqualTo(3);
  }

  @Test
  void cancellationStopsAtTheNextStepAndFreesTheJobsArrays() {
    int before = model.manager().getManagedArrays().size();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger steps = new AtomicInteger();
    WaltPipeline counting =
        new WaltPipeline(model, Duration.ofHours(1), System::nanoTime, d -> input -> {
          calls.incrementAndGet();
          return d.predictV(input);
        });
    boolean[] cancel = {false};
    assertThatThrownBy(
            () -> counting.generate(
                GenerationSpec.text(PROMPT, 9, 2).withSteps(5),
                new GenerationListener() {
                  @Override
                  public void onProgress(GenerationProgress progress) {
                    if (progress.step() == 1) {
                      steps.incrementAndGet();
                      cancel[0] = true;
                    }
                  }
                },
                () -> cancel[0]))
        .isInstanceOf(CancellationException.class);
    assertThat(steps.get()).isEqualTo(1);
    assertThat(calls.get()).isEqualTo(2); // one guided step: conditional + unconditional
    assertThat(model.manager().getManagedArrays()).hasSize(before);
  }

  @Test
  void aSuccessfulLongImageJobLeavesNoArraysBehind() {
    generate(pipeline, GenerationSpec.text(PROMPT, 9, 1)); // warm up any lazily made arrays
    int before = model.manager().getManagedArrays().size();
    Clip clip =
        generate(pipeline, GenerationSpec.text(PROMPT, 13, 1).withImage(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB)));
    assertThat(clip.frameCount()).isEqualTo(13); // 9 + one continuation of 4
    assertThat(model.manager().getManagedArrays()).hasSize(before);
  }

  @Test
  void specsOutsideTheModelsLimitsAreRefusedWithAReason() {
    ModelLimits limits = pipeline.limits();
    assertThat(limits.frames()).containsExactly(9, 13);
    assertThat(limits.width()).isEqualTo(16);
    assertThat(limits.inputWidth()).isEqualTo(8);
    assertThat(limits.fps()).isEqualTo(8);
    assertThat(limits.defaultSteps()).isEqualTo(2);
    assertThat(limits.imageToVideo()).isTrue();
    assertThatThrownBy(() -> generate(pipeline, GenerationSpec.text(PROMPT, 18, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("frames must be one of [9, 13], got 18");
    assertThat(limits.violation(GenerationSpec.text(PROMPT, 9, 1).withSteps(0)))
        .isEqualTo("steps must be between 1 and 250, got 0");
    assertThat(limits.violation(GenerationSpec.text(PROMPT, 9, 1).withGuidance(21.0)))
        .isEqualTo("guidance must be between 0.0 and 20.0, got 21.0");
    assertThat(limits.violation(GenerationSpec.text(PROMPT, 9, 1))).isNull();
  }
}
