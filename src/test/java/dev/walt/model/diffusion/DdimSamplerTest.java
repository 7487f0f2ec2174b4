package dev.walt.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DdimSamplerTest {

  static final Shape SHAPE = new Shape(2, 3, 5, 4, 4);

  private final NoiseSchedule schedule = NoiseSchedule.walt();
  private final DdimSampler sampler = new DdimSampler(schedule);
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** Knows the answer: returns the v that makes x0 = target exactly. */
  static Denoiser oracle(NoiseSchedule schedule, NDArray target) {
    return input -> {
      int t = Math.round(input.timesteps().getFloat(0));
      return schedule.vFromX0(input.noisy(), target, t);
    };
  }

  @Test
  void anOracleIsRecoveredWithEtaZeroAndEtaPositive() {
    NDArray target = manager.randomNormal(new Shape(SHAPE.getShape())).mul(0.7f);
    for (double eta : new double[] {0.0, 0.5, 1.0}) {
      NDArray sample =
          sampler.sample(manager, oracle(schedule, target), SHAPE, Conditioning.none(),
              new SamplerSettings(25, eta, 1.0, true), 42, SamplingListener.NONE, () -> false);
      assertThat(sample.getShape()).isEqualTo(SHAPE);
      assertThat(maxAbs(sample.sub(target))).as("eta %s", eta).isLessThan(1e-4f);
    }
  }

  @Test
  void theFirstStepIsAtZeroSnrWhereX0IsMinusV() {
    NDArray v = manager.randomNormal(SHAPE);
    List<Float> firstEstimate = new ArrayList<>();
    sampler.sample(manager, input -> v.duplicate(), SHAPE, Conditioning.none(),
        new SamplerSettings(4, 0, 1, false), 1,
        step -> {
          if (step.index() == 0) {
            assertThat(step.timestep()).isEqualTo(999);
            firstEstimate.add(maxAbs(step.x0Estimate().add(v)));
          }
        },
        () -> false);
    assertThat(firstEstimate).containsExactly(0f);
  }

  @Test
  void guidanceCombinesConditionalAndUnconditionalV() {
    NDArray cond = manager.create(new float[] {1f, 2f, -3f});
    NDArray uncond = manager.create(new float[] {0.5f, 2f, 1f});
    assertThat(DdimSampler.guide(cond, uncond, 3.0).toFloatArray()).containsExactly(2f, 2f, -11f);
    assertThat(DdimSampler.guide(cond, uncond, 1.0).toFloatArray()).containsExactly(1f, 2f, -3f);
    assertThat(DdimSampler.guide(cond, uncond, 0.0).toFloatArray()).containsExactly(0.5f, 2f, 1f);
  }

  @Test
  void guidanceCallsTheDenoiserWithAndWithoutTextAndGuidesV() {
    // the denoiser predicts v = +1 with text, -1 with the null tokens; at t = 999 x0 = -v
    NDArray tokens = manager.ones(new Shape(2, 3, 4));
    NDArray nullTokens = manager.zeros(new Shape(2, 1, 4));
    List<Float> seen = new ArrayList<>();
    Denoiser denoiser =
        input -> {
          assertThat(input.text()).isNotNull();
          float sign = input.text().getShape().get(1) == 3 ? 1f : -1f;
          seen.add(sign);
          return input.noisy().zerosLike().add(sign);
        };
    List<Float> x0 = new ArrayList<>();
    sampler.sample(manager, denoiser, SHAPE, Conditioning.text(new TextConditioning(tokens, null, nullTokens, null)),
        new SamplerSettings(1, 0, 4.0, false), 3, step -> x0.add(step.x0Estimate().getFloat(0, 0, 0, 0, 0)),
        () -> false);
    assertThat(seen).containsExactly(1f, -1f);
    // guided v = -1 + 4 (1 - (-1)) = 7, x0 = -7
    assertThat(x0).containsExactly(-7f);
  }

  @Test
  void selfConditioningFeedsThePreviousEstimate() {
    NDArray target = manager.randomNormal(SHAPE);
    Denoiser oracle = oracle(schedule, target);
    AtomicInteger call = new AtomicInteger();
    List<Float> differences = new ArrayList<>();
    Denoiser watcher =
        input -> {
          if (call.getAndIncrement() == 0) {
            assertThat(input.selfCondition()).isNull();
          } else {
            differences.add(maxAbs(input.selfCondition().sub(target)));
          }
          return oracle.predictV(input);
        };
    sampler.sample(manager, watcher, SHAPE, Conditioning.none(), new SamplerSettings(3, 0, 1, true), 5,
        SamplingListener.NONE, () -> false);
    assertThat(differences).hasSize(2).allMatch(d -> d < 1e-4f);
  }

  @Test
  void knownFramesAreKeptAndPassedThrough() {
    NDArray known = manager.randomNormal(SHAPE);
    NDArray mask = manager.create(new float[] {1, 0, 0, 0, 0, 1, 1, 0, 0, 0}, new Shape(2, 5));
    NDArray condition = known.mul(mask.reshape(2, 1, 5, 1, 1));
    Denoiser denoiser =
        input -> {
          assertThat(input.frameCondition()).isSameAs(condition);
          assertThat(input.frameMask()).isSameAs(mask);
          return input.noisy().mul(0.1f);
        };
    NDArray sample = sampler.sample(manager, denoiser, SHAPE, Conditioning.none().withFrames(condition, mask),
        new SamplerSettings(5, 0.3, 1, true), 9, SamplingListener.NONE, () -> false);
    assertThat(maxAbs(sample.get("0, :, 0").sub(known.get("0, :, 0")))).isLessThan(1e-6f);
    assertThat(maxAbs(sample.get("1, :, 0:2").sub(known.get("1, :, 0:2")))).isLessThan(1e-6f);
    assertThat(maxAbs(sample.get("0, :, 1").sub(known.get("0, :, 1")))).isGreaterThan(1e-2f);
  }

  @Test
  void rejectsMisshapedFrameConditioning() {
    NDArray condition = manager.zeros(SHAPE);
    NDArray mask = manager.zeros(new Shape(2, 4));
    assertThatThrownBy(() -> sampler.sample(manager, input -> input.noisy(), SHAPE,
            Conditioning.none().withFrames(condition, mask), new SamplerSettings(1, 0, 1, false), 1,
            SamplingListener.NONE, () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("frameMask must be (2, 5), got (2, 4)");
  }

  @Test
  void theSameSeedGivesBitIdenticalSamplesAndAnotherSeedDoesNot() {
    Denoiser random = input -> input.noisy().mul(0.3f).add(input.timesteps().reshape(2, 1, 1, 1, 1).div(1000f));
    SamplerSettings settings = new SamplerSettings(6, 0.8, 1, true);
    float[] a = sampler.sample(manager, random, SHAPE, Conditioning.none(), settings, 77, SamplingListener.NONE, () -> false).toFloatArray();
    float[] b = sampler.sample(manager, random, SHAPE, Conditioning.none(), settings, 77, SamplingListener.NONE, () -> false).toFloatArray();
    float[] c = sampler.sample(manager, random, SHAPE, Conditioning.none(), settings, 78, SamplingListener.NONE, () -> false).toFloatArray();
    assertThat(b).containsExactly(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void aRedrawStartsFromTheLatentNoisedToItsStrengthAndTakesTheRemainingSteps() {
    NDArray start = manager.randomNormal(SHAPE).mul(0.5f);
    int[] timesteps = schedule.samplingTimesteps(10);
    List<Integer> seen = new ArrayList<>();
    List<float[]> firstInput = new ArrayList<>();
    Denoiser watcher = input -> {
      seen.add(Math.round(input.timesteps().getFloat(0)));
      if (firstInput.isEmpty()) {
        firstInput.add(input.noisy().toFloatArray());
      }
      return input.noisy().mul(0.2f);
    };
    sampler.redraw(manager, watcher, start, 0.4, Conditioning.none(), new SamplerSettings(10, 0, 1, false), 5);
    // 40 % of the way: the last 4 of the 10 timesteps (round((1 - 0.4) * 10) = 6 skipped)
    assertThat(seen).containsExactly(timesteps[6], timesteps[7], timesteps[8], timesteps[9]);
    NDArray expected = schedule.addNoise(start, new GaussianNoise(5).next(manager, SHAPE), timesteps[6]);
    assertThat(maxAbs(manager.create(firstInput.get(0), SHAPE).sub(expected))).isLessThan(1e-6f);
  }

  @Test
  void aRedrawAtStrengthOneIsASampleFromNoiseAndAnOracleRedrawRecoversItsTarget() {
    Denoiser random = input -> input.noisy().mul(0.3f).add(input.timesteps().reshape(2, 1, 1, 1, 1).div(1000f));
    SamplerSettings settings = new SamplerSettings(6, 0, 1, true);
    NDArray start = manager.randomNormal(SHAPE);
    float[] sampled =
        sampler.sample(manager, random, SHAPE, Conditioning.none(), settings, 3, SamplingListener.NONE, () -> false)
            .toFloatArray();
    assertThat(sampler.redraw(manager, random, start, 1.0, Conditioning.none(), settings, 3).toFloatArray())
        .containsExactly(sampled);
    NDArray target = manager.randomNormal(SHAPE);
    NDArray redrawn = sampler.redraw(manager, oracle(schedule, target), start, 0.3, Conditioning.none(), settings, 4);
    assertThat(maxAbs(redrawn.sub(target))).isLessThan(1e-4f);
    assertThatThrownBy(() -> sampler.redraw(manager, random, start, 0, Conditioning.none(), settings, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("strength must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> sampler.redraw(manager, random, start, 1.5, Conditioning.none(), settings, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cancellationStopsBeforeTheNextStep() {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger stepsSeen = new AtomicInteger();
    Denoiser counting = input -> {
      calls.incrementAndGet();
      return input.noisy().zerosLike();
    };
    assertThatThrownBy(
            () -> sampler.sample(manager, counting, SHAPE, Conditioning.none(), new SamplerSettings(10, 0, 1, false),
                1, step -> stepsSeen.incrementAndGet(), () -> stepsSeen.get() >= 3))
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("before step 4 of 10");
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void stepArraysAreClosedEveryStep() {
    NDArray target = manager.randomNormal(SHAPE);
    List<NDArray> estimates = new ArrayList<>();
    try (NDManager job = manager.newSubManager()) {
      NDArray sample = sampler.sample(job, oracle(schedule, target), SHAPE, Conditioning.none(),
          new SamplerSettings(4, 0.5, 1, true), 1, step -> estimates.add(step.x0Estimate()), () -> false);
      assertThat(sample.isReleased()).isFalse();
      assertThat(sample.getManager()).isSameAs(job);
      assertThat(job.getManagedArrays()).containsExactly(sample);
      // estimates of finished steps were closed with their step, apart from the last one kept for
      // self-conditioning until the run ended
      assertThat(estimates).hasSize(4).allMatch(NDArray::isReleased);
    }
  }

  /** A guide whose gradient is {@code direction} everywhere, counting its calls. */
  private static LatentGuide constant(NDArray direction, double scale, AtomicInteger calls) {
    return new LatentGuide() {
      @Override
      public NDArray gradient(NDArray noisy, int timestep, TextConditioning text) {
        calls.incrementAndGet();
        NDArray g = direction.duplicate();
        g.attach(noisy.getManager());
        return g;
      }

      @Override
      public double scale() {
        return scale;
      }
    };
  }

  @Test
  void aGuideMovesEachEstimateAlongItsGradientByScaleTimesSigmaSquaredOverAlpha() {
    // an oracle of x0 = 0 gives eps = x_t / sigma_t; guided, eps' = eps - s sigma_t g, so x0' = s sigma_t^2 g / alpha_t
    NDArray zero = manager.zeros(SHAPE);
    NDArray direction = manager.randomNormal(SHAPE);
    Conditioning text = Conditioning.text(new TextConditioning(manager.ones(new Shape(2, 3, 4)), null, null, null));
    SamplerSettings settings = new SamplerSettings(8, 0, 1, false);
    AtomicInteger calls = new AtomicInteger();
    List<Float> errors = new ArrayList<>();
    List<Integer> guided = new ArrayList<>();
    sampler.sample(manager, oracle(schedule, zero), SHAPE, text, settings, constant(direction, 0.5, calls), 3,
        step -> {
          double alphaBar = schedule.alphaBar(step.timestep());
          double expected = alphaBar < DdimSampler.MIN_GUIDED_ALPHA_BAR ? 0 : 0.5 * (1 - alphaBar) / Math.sqrt(alphaBar);
          if (expected > 0) {
            guided.add(step.index());
          }
          errors.add(maxAbs(step.x0Estimate().sub(direction.mul((float) expected))));
        },
        () -> false);
    assertThat(guided).as("every step but the zero-SNR first ones").isNotEmpty().doesNotContain(0);
    assertThat(calls.get()).isEqualTo(guided.size());
    assertThat(errors).allSatisfy(e -> assertThat(e).isLessThan(1e-4f));

    // scale 0, or no text: exactly the unguided sample, and the guide is not asked
    NDArray plain = sampler.sample(manager, oracle(schedule, zero.add(0.3f)), SHAPE, text, settings, 3,
        SamplingListener.NONE, () -> false);
    AtomicInteger none = new AtomicInteger();
    NDArray off = sampler.sample(manager, oracle(schedule, zero.add(0.3f)), SHAPE, text, settings,
        constant(direction, 0, none), 3, SamplingListener.NONE, () -> false);
    NDArray untexted = sampler.sample(manager, oracle(schedule, zero.add(0.3f)), SHAPE, Conditioning.none(), settings,
        constant(direction, 1, none), 3, SamplingListener.NONE, () -> false);
    assertThat(maxAbs(off.sub(plain))).isZero();
    assertThat(maxAbs(untexted.sub(plain))).isZero();
    assertThat(none.get()).isZero();
  }

  private static float maxAbs(NDArray a) {
    return a.abs().max().getFloat();
  }
}
