package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.walt.model.diffusion.NoiseSchedule;
import dev.walt.model.nn.Ops;
import dev.walt.model.text.WordTextEncoder;
import dev.walt.model.transformer.WaltTransformer;
import dev.walt.model.vae.CausalVae;
import dev.walt.world.Batch;
import dev.walt.world.Example;
import dev.walt.world.Scene;
import dev.walt.world.TrainingBatches;
import dev.walt.world.World;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The text-to-video base stage: v-prediction on latents of the frozen autoencoder, a video batch and an
 * image batch per step (images are one-frame samples flagged as image sets), text encoder trained jointly,
 * text dropout to the encoder's null embedding (classifier-free guidance), and frame conditioning (the
 * first latent frame given clean with its mask) on a fraction of the videos (image-to-video).
 */
public final class BaseObjective implements Objective {

  private final CausalVae vae;
  private final WordTextEncoder text;
  private final WaltTransformer model;
  private final TrainingBatches data;
  private final int videos;
  private final int images;
  private final int resolution;
  private final int frames;
  private final double textDropout;
  private final double frameConditioning;
  private final double motionCaptions;
  private double objectWeight;
  private double outlineWeight;
  /** Outline maps of the latent pool's clips, made on first draw (a few kilobytes each). */
  private final Map<Scene, float[]> outlines = new HashMap<>();
  private @Nullable LatentPool pool;
  private final DiffusionLoss diffusion;
  private final NamedParameters parameters;

  /**
   * @param videos video samples per step
   * @param images image samples per step (0: none)
   */
  public BaseObjective(
      CausalVae vae, WordTextEncoder text, WaltTransformer model, TrainingBatches data, int videos, int images,
      int resolution, int frames, double textDropout, double frameConditioning, double selfConditioning) {
    this(vae, text, model, data, videos, images, resolution, frames, textDropout, frameConditioning, selfConditioning, 0,
        0);
  }

  /**
   * @param videos video samples per step
   * @param images image samples per step (0: none)
   * @param highNoise probability of drawing a sample's timestep from the schedule's upper half (see {@link
   *     DiffusionLoss})
   * @param motionCaptions probability that a video's caption is replaced by one of its motion's phrases alone
   *     ("drifting to the left"): the direction is then the only thing the prompt says, so the denoiser has to
   *     take the clip's layout over time from the direction words (0: full captions only)
   */
  public BaseObjective(
      CausalVae vae, WordTextEncoder text, WaltTransformer model, TrainingBatches data, int videos, int images,
      int resolution, int frames, double textDropout, double frameConditioning, double selfConditioning,
      double highNoise, double motionCaptions) {
    if (motionCaptions < 0 || motionCaptions > 1) {
      throw new IllegalArgumentException("the motion-caption rate must be in [0, 1], got " + motionCaptions);
    }
    if (frameConditioning < 0 || frameConditioning > 1) {
      throw new IllegalArgumentException("the frame-conditioning rate must be in [0, 1], got " + frameConditioning);
    }
    this.vae = vae;
    this.text = text;
    this.model = model;
    this.data = data;
    this.videos = videos;
    this.images = images;
    this.resolution = resolution;
    this.frames = frames;
    this.textDropout = textDropout;
    this.frameConditioning = frameConditioning;
    this.motionCaptions = motionCaptions;
    this.diffusion = new DiffusionLoss(NoiseSchedule.walt(), selfConditioning, highNoise);
    this.parameters = new NamedParameters().add("base", model).add("text", text);
  }

  /**
   * Weighs the loss towards the latent positions that hold the object: weight {@code 1 + objectWeight * d /
   * mean(d)} with {@code d} the mean absolute difference over the channels between each position and its
   * frame's mean latent (the flat background's, since the object covers a few positions). The outline that
   * tells a square from a disc is a handful of those positions, a small part of an unweighted loss that the
   * background dominates; 0 (the default) weighs every position alike.
   */
  public BaseObjective withObjectWeight(double objectWeight) {
    if (objectWeight < 0) {
      throw new IllegalArgumentException("the object weight must be >= 0, got " + objectWeight);
    }
    if (objectWeight > 0 && outlineWeight > 0) {
      throw new IllegalArgumentException("weigh the loss by the object or by its outline, not both");
    }
    this.objectWeight = objectWeight;
    return this;
  }

  /**
   * Weighs the loss towards the latent positions that tell the shapes apart: weight {@code 1 + outlineWeight *
   * d / mean(d)} with {@code d} the clip's {@link OutlineMap} (how far the pixels a position encodes change when
   * the object takes another shape). The outline is about 2.5 % of the positions but decides the shape; 0 (the
   * default) weighs every position alike. Not together with {@link #withObjectWeight}.
   */
  public BaseObjective withOutlineWeight(double outlineWeight) {
    if (outlineWeight < 0) {
      throw new IllegalArgumentException("the outline weight must be >= 0, got " + outlineWeight);
    }
    if (outlineWeight > 0 && objectWeight > 0) {
      throw new IllegalArgumentException("weigh the loss by the object or by its outline, not both");
    }
    if (outlineWeight > 0 && frames != World.FRAMES) {
      // the map is rendered from frame 0; a time crop would start elsewhere
      throw new IllegalArgumentException("the outline weight needs whole clips of " + World.FRAMES + " frames");
    }
    this.outlineWeight = outlineWeight;
    return this;
  }

  /** Moves the band that {@code highNoise} draws from to timesteps {@code [from, to)} ({@link DiffusionLoss#withBand}). */
  BaseObjective withTimestepBand(int from, int to) {
    diffusion.withBand(from, to);
    return this;
  }

  /**
   * Draws the video batches from {@code pool} (clips encoded once, captioned anew at each draw) instead of
   * rendering and encoding new clips every step; the stills are still rendered and encoded per step.
   */
  BaseObjective withLatentPool(LatentPool pool) {
    this.pool = pool.requireBatch(videos);
    return this;
  }

  /**
   * This objective's weights for latents {@code z} (B, C, T, H, W) of {@code examples} rendered at {@code
   * frames} frames, or null (all alike) without an object or outline weight.
   */
  @Nullable NDArray weights(NDManager scope, NDArray z, List<Example> examples, int frames) {
    if (objectWeight > 0) {
      return objectWeights(z, objectWeight);
    }
    if (outlineWeight <= 0) {
      return null;
    }
    Shape s = z.getShape();
    int spatial = (int) (resolution / s.get(3));
    int temporal = s.get(2) > 1 ? (int) ((frames - 1) / (s.get(2) - 1)) : 1;
    int length = (int) (s.get(2) * s.get(3) * s.get(4));
    float[] d = new float[examples.size() * length];
    for (int i = 0; i < examples.size(); i++) {
      Scene scene = examples.get(i).scene();
      // a pool's clips come back and keep their maps; fresh clips (and stills) are never seen again
      float[] map = pool != null && frames > 1
          ? outlines.computeIfAbsent(scene, k -> OutlineMap.of(k, frames, resolution, spatial, temporal))
          : OutlineMap.of(scene, frames, resolution, spatial, temporal);
      System.arraycopy(map, 0, d, i * length, length);
    }
    return DiffusionLoss.relativeWeights(
        scope.create(d, new Shape(examples.size(), 1, s.get(2), s.get(3), s.get(4))), outlineWeight);
  }

  /** (B, 1, T, H, W) weights of {@link #withObjectWeight} for latents (B, C, T, H, W). */
  static NDArray objectWeights(NDArray z, double objectWeight) {
    // the latents come from the frozen encoder without gradients: nothing below is recorded by autograd
    NDArray background = z.mean(new int[] {4}, true).mean(new int[] {3}, true);
    return DiffusionLoss.relativeWeights(z.sub(background).abs().mean(new int[] {1}, true), objectWeight);
  }

  @Override
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public NDArray loss(NDManager scope, long step, SplittableRandom random) {
    NDArray z;
    List<Example> examples;
    List<String> captions;
    if (pool != null) {
      LatentPool.Drawn drawn = pool.draw(scope, videos, random);
      z = drawn.latents();
      examples = drawn.examples();
      captions = drawn.captions();
    } else {
      Batch clips = data.videos(step, videos, resolution, frames);
      z = DiffusionLoss.encodeFrozen(vae, scope, clips.pixels(), new Shape(videos, 3, frames, resolution, resolution));
      examples = clips.examples();
      captions = clips.captions();
    }
    long latentFrames = z.getShape().get(2);
    float[] mask = new float[(int) (videos * latentFrames)];
    float[] given = new float[videos];
    for (int i = 0; i < videos; i++) {
      if (random.nextDouble() < frameConditioning) {
        mask[(int) (i * latentFrames)] = 1f;
        given[i] = 1f;
      }
    }
    NDArray frameMask = scope.create(mask, new Shape(videos, latentFrames));
    NDArray frameCondition = z.mul(frameMask.reshape(videos, 1, latentFrames, 1, 1));
    NDArray[] textVideo = text(scope, motionCaptions > 0 ? withMotionCaptions(examples, captions, random) : captions, random);
    NDArray loss =
        diffusion.loss(
            model, scope, z,
            new DiffusionLoss.Conditions(textVideo[0], textVideo[1], frameCondition, frameMask, null, null, null),
            random, weights(scope, z, examples, frames));
    if (images > 0) {
      Batch stills = data.stills(step, images, resolution);
      NDArray zi = DiffusionLoss.encodeFrozen(vae, scope, stills.pixels(), new Shape(images, 3, 1, resolution, resolution));
      NDArray[] textImage = text(scope, stills.captions(), random);
      boolean[] imageSet = new boolean[images];
      java.util.Arrays.fill(imageSet, true);
      NDArray imageLoss =
          diffusion.loss(
              model, scope, zi,
              new DiffusionLoss.Conditions(textImage[0], textImage[1], null, null, null, null, imageSet), random,
              weights(scope, zi, stills.examples(), 1));
      loss = Ops.div(Ops.mul(loss, videos).add(Ops.mul(imageLoss, images)), videos + images);
    }
    return loss;
  }

  /** The batch's captions, each replaced with probability motionCaptions by a phrase of its motion alone. */
  List<String> withMotionCaptions(List<Example> examples, List<String> original, SplittableRandom random) {
    List<String> captions = new java.util.ArrayList<>(original);
    for (int i = 0; i < captions.size(); i++) {
      List<String> phrases = examples.get(i).scene().motion().phrases();
      if (random.nextDouble() < motionCaptions && !phrases.isEmpty()) {
        captions.set(i, phrases.get(random.nextInt(phrases.size())));
      }
    }
    return captions;
  }

  /** Text tokens and mask, with each prompt replaced by the null embedding with probability textDropout. */
  private NDArray[] text(NDManager scope, List<String> captions, SplittableRandom random) {
    return Captions.encode(text, scope, captions, textDropout, random, true);
  }
}
