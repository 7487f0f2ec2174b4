package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.walt.model.vae.VaeConfig;
import dev.walt.model.vae.VideoAutoencoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The W.A.L.T text-to-video cascade (WALT.md section 5): a base stage, then super-resolution stages,
 * all in latent space. Immutable; one instance serves many runs (not concurrently with the same
 * denoisers, which are not thread-safe).
 *
 * <p><b>How stages connect.</b> Stage k samples a latent at its own size; stage k + 1 receives it as
 * its low-resolution conditioning. When both stages use the same autoencoder instance (a fully
 * convolutional VAE is resolution independent, so one VAE serves every stage) the latent passes
 * unchanged. When they use different autoencoders, the latent is decoded with stage k's VAE and
 * re-encoded with stage k + 1's VAE at the low resolution, which puts it in the new stage's latent
 * space. When the first stage has a caption refiner, its sample is decoded, refined towards the caption and
 * encoded again before the next stage sees it (the known latent frames of image-to-video kept as they are). Only
 * the last stage's latent is decoded into the output; when that stage has a refiner, the decoded video is refined
 * towards the previous stage's decoded video, the one it upsampled (the caption refiner's output itself when the
 * previous stage has one; in image-to-video with the given image as that video's first frame, since the image is
 * what the first frame stands for).
 *
 * <p><b>Image-to-video</b>: the image, given at every stage's size, is encoded by that stage's VAE as a
 * one-frame video; its latent is the first known latent frame of the stage. The base stage also sees it as
 * frame conditioning (the denoiser's input); every stage's sampler pins that frame of each x0 estimate to
 * it, so a super-resolution stage upsamples the rest of the video around the image's own detail at its
 * resolution instead of reinventing the first frame from the low-resolution latent. (Because the encoder
 * is causal, the first latent frame depends on the first frame alone, so pinning it is exact.)
 *
 * <p><b>Long videos by continuation</b> (WALT.md section 4): after a segment, every stage keeps the last
 * {@code overlapFrames} (5) decoded frames at its resolution; the next segment re-encodes them into
 * {@code 1 + (5 - 1) / 4 = 2} known latent frames for that stage and samples the rest. The output
 * appends each new segment's frames after the overlap.
 *
 * <p><b>Progress</b>: every sampling step of every stage and segment advances one overall 0-100 scale;
 * cancellation is checked before every step.
 */
public final class Cascade {

  private final List<CascadeStage> stages;
  private final DdimSampler sampler;
  private final SuperResolutionStage superResolution;

  public Cascade(NoiseSchedule schedule, List<CascadeStage> stages) {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a cascade needs at least one stage");
    }
    this.stages = List.copyOf(stages);
    this.sampler = new DdimSampler(schedule);
    this.superResolution = new SuperResolutionStage(sampler);
  }

  public List<CascadeStage> stages() {
    return stages;
  }

  /** Sampling steps of a whole run of {@code request}. */
  public int totalSteps(CascadeRequest request) {
    int perSegment = 0;
    for (CascadeStage stage : stages) {
      perSegment += stage.sampler().steps();
    }
    return perSegment * request.segments();
  }

  /**
   * Generates videos.
   *
   * @param manager owner (and device) of the result
   * @param request what to generate
   * @param listener told at the start, after every step, and at the end
   * @param cancelled checked before every step
   * @return (B, 3, request.totalFrames(), H, W) in [-1, 1] (nominally) at the last stage's size
   * @throws CancellationException when cancelled
   */
  public NDArray generate(
      NDManager manager, CascadeRequest request, CascadeListener listener, BooleanSupplier cancelled) {
    validate(request);
    int total = totalSteps(request);
    int[] done = {0};
    listener.onProgress(new CascadeProgress(0, 0, stages.get(0).name(), 0, 0, stages.get(0).sampler().steps(), null));
    GaussianNoise seeds = new GaussianNoise(request.seed());
    int overlap = request.overlapFrames();
    try (NDManager work = manager.newSubManager()) {
      NDArray[] tails = new NDArray[stages.size()];
      List<NDArray> pieces = new ArrayList<>();
      for (int segment = 0; segment < request.segments(); segment++) {
        try (NDManager scope = work.newSubManager()) {
          // last segment's tails die with this segment
          for (NDArray tail : tails) {
            if (tail != null) {
              tail.attach(scope);
            }
          }
          NDArray previousLatent = null;
          VideoAutoencoder previousVae = null;
          NDArray previousVideo = null; // the previous stage's refined video, when it was refined
          for (int k = 0; k < stages.size(); k++) {
            CascadeStage stage = stages.get(k);
            VaeConfig vae = stage.vae().config();
            Shape shape =
                new Shape(
                    request.batch(),
                    vae.latentChannels(),
                    vae.latentFrames(request.frames()),
                    stage.height() / vae.spatialFactor(),
                    stage.width() / vae.spatialFactor());
            Conditioning conditioning = Conditioning.text(request.text(k));
            NDArray known = null;
            if (segment > 0) {
              known = stage.vae().encode(tails[k]);
            } else if (request.image(k) != null) {
              NDArray image = request.image(k);
              image.tempAttach(scope);
              known = stage.vae().encode(image);
            }
            if (known != null) {
              conditioning = withKnownFrames(scope, conditioning, known, shape);
            }
            SamplingListener steps = progress(listener, k, segment, total, done);
            long seed = seeds.nextSeed();
            NDArray refinedVideo = null;
            NDArray latent;
            if (k == 0) {
              latent = sampler.sample(scope, stage.denoiser(), shape, conditioning, stage.sampler(), stage.guide(), seed,
                  steps, cancelled);
              TextConditioning caption = request.text(0);
              if (stage.captionRefiner() != null && caption != null) {
                refinedVideo = stage.captionRefiner().refine(stage.vae().decode(latent), caption);
                latent = encodedKeeping(stage, refinedVideo, known);
              }
            } else {
              NDArray lowRes =
                  previousVae == stage.vae()
                      ? previousLatent
                      : stage.vae().encode(previousVae.decode(previousLatent));
              latent = superResolution.sample(scope, stage.denoiser(), lowRes, shape, stage.noiseAugmentation(),
                  conditioning, stage.sampler(), seed, steps, cancelled);
            }
            boolean last = k == stages.size() - 1;
            boolean continues = segment + 1 < request.segments();
            if (last || continues) {
              // (B, c, T', H', W') -> (B, 3, frames, H, W)
              NDArray video = stage.vae().decode(latent);
              if (k > 0 && stage.refiner() != null) {
                video = stage.refiner().refine(video, refinerInput(request, k, segment,
                    previousVideo != null ? previousVideo : previousVae.decode(previousLatent)));
              }
              if (continues) {
                // a copy, so the rest of the decoded video can be freed now
                NDArray tail = video.get(":, :, " + (request.frames() - overlap) + ":").duplicate();
                tail.attach(work);
                tails[k] = tail;
              }
              if (last) {
                NDArray piece = segment == 0 ? video : video.get(":, :, " + overlap + ":");
                piece.attach(work);
                pieces.add(piece);
              } else {
                video.close();
              }
            }
            previousLatent = latent;
            previousVae = stage.vae();
            previousVideo = refinedVideo;
          }
        }
      }
      NDArray result = pieces.size() == 1 ? pieces.get(0) : NDArrays.concat(new NDList(pieces), 2);
      result.attach(manager);
      CascadeStage lastStage = stages.get(stages.size() - 1);
      listener.onProgress(
          new CascadeProgress(100, stages.size() - 1, lastStage.name(), request.segments() - 1,
              lastStage.sampler().steps(), lastStage.sampler().steps(), null));
      return result;
    }
  }

  /**
   * What stage k's refiner brings its output back to: {@code low}, the previous stage's decoded (or caption-refined)
   * video, which stage k upsampled, with the given image itself (at the previous stage's size) as its first frame
   * in image-to-video.
   */
  private static NDArray refinerInput(CascadeRequest request, int k, int segment, NDArray low) {
    NDArray image = segment == 0 ? request.image(k - 1) : null;
    return image == null ? low : image.concat(low.get(":, :, 1:"), 2);
  }

  /** {@code video} encoded by the stage's autoencoder, with the known latent frames (when given) kept as they are. */
  private static NDArray encodedKeeping(CascadeStage stage, NDArray video, @Nullable NDArray known) {
    NDArray latent = stage.vae().encode(video);
    return known == null ? latent : known.concat(latent.get(":, :, " + known.getShape().get(2) + ":"), 2);
  }

  /** Known latent frames first, zeros after, and the matching (B, T') mask. */
  private static Conditioning withKnownFrames(NDManager scope, Conditioning conditioning, NDArray known, Shape shape) {
    Shape k = known.getShape();
    long knownFrames = k.get(2);
    if (k.get(0) != shape.get(0) || k.get(1) != shape.get(1) || k.get(3) != shape.get(3) || k.get(4) != shape.get(4)
        || knownFrames >= shape.get(2)) {
      throw new IllegalArgumentException("known latent frames " + k + " do not fit the latent " + shape);
    }
    known.attach(scope);
    // (B, c, Tk, H', W') ++ zeros (B, c, T' - Tk, H', W') along time
    NDArray condition =
        known.concat(scope.zeros(new Shape(shape.get(0), shape.get(1), shape.get(2) - knownFrames, shape.get(3),
            shape.get(4))), 2);
    float[] mask = new float[(int) (shape.get(0) * shape.get(2))];
    for (int b = 0; b < shape.get(0); b++) {
      for (int t = 0; t < knownFrames; t++) {
        mask[(int) (b * shape.get(2) + t)] = 1f;
      }
    }
    return conditioning.withFrames(condition, scope.create(mask, new Shape(shape.get(0), shape.get(2))));
  }

  private SamplingListener progress(CascadeListener listener, int k, int segment, int total, int[] done) {
    CascadeStage stage = stages.get(k);
    return step -> {
      done[0]++;
      listener.onProgress(
          new CascadeProgress(100.0 * done[0] / total, k, stage.name(), segment, step.index() + 1, step.steps(),
              step.x0Estimate()));
    };
  }

  private void validate(CascadeRequest request) {
    if (request.text().size() > stages.size()) {
      throw new IllegalArgumentException(
          "text for " + request.text().size() + " stages, the cascade has " + stages.size());
    }
    for (CascadeStage stage : stages) {
      VaeConfig vae = stage.vae().config();
      vae.latentFrames(request.frames());
      if (request.segments() > 1) {
        vae.latentFrames(request.overlapFrames());
      }
    }
    if (request.images().size() > stages.size()) {
      throw new IllegalArgumentException(
          "images for " + request.images().size() + " stages, the cascade has " + stages.size());
    }
    for (int k = 0; k < request.images().size(); k++) {
      NDArray image = request.image(k);
      CascadeStage stage = stages.get(k);
      Shape expected = new Shape(request.batch(), 3, 1, stage.height(), stage.width());
      if (image != null && !image.getShape().equals(expected)) {
        throw new IllegalArgumentException(
            "the image of stage " + stage.name() + " must be " + expected + ", got " + image.getShape());
      }
    }
  }
}
