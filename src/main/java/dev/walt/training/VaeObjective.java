package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.vae.CausalVae;
import dev.walt.world.Batch;
import dev.walt.world.TrainingBatches;
import java.util.SplittableRandom;

/**
 * Autoencoder reconstruction: {@code mean|x' - x| + mean((x' - x)^2)} on world clips of 17, 9 or 5 frames
 * and on stills, rendered at one of {@code resolutions} and cropped to {@code crop} x {@code crop} pixels
 * (the network is fully convolutional, so crops teach it the same).
 *
 * <p>With {@code decoderOnly} the encoder is frozen (it runs without gradients) and only the decoder
 * trains: the latent space, and with it every stage trained on it, stays valid while reconstructions
 * improve (decoder fine-tuning).
 */
public final class VaeObjective implements Objective {

  private static final int[] FRAMES = {17, 9, 5, 1};

  private final CausalVae vae;
  private final TrainingBatches data;
  private final int batch;
  private final int[] resolutions;
  private final int crop;
  private final NamedParameters parameters;

  private final boolean decoderOnly;

  public VaeObjective(CausalVae vae, TrainingBatches data, int batch, int[] resolutions, int crop) {
    this(vae, data, batch, resolutions, crop, false);
  }

  public VaeObjective(
      CausalVae vae, TrainingBatches data, int batch, int[] resolutions, int crop, boolean decoderOnly) {
    this.vae = vae;
    this.data = data;
    this.batch = batch;
    this.resolutions = resolutions.clone();
    this.crop = crop;
    this.decoderOnly = decoderOnly;
    this.parameters =
        decoderOnly ? new NamedParameters().add("vae", vae, name -> name.contains("decoder"))
            : new NamedParameters().add("vae", vae);
  }

  @Override
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public NDArray loss(NDManager scope, long step, SplittableRandom random) {
    int frames = FRAMES[random.nextInt(FRAMES.length)];
    int resolution = resolutions[random.nextInt(resolutions.length)];
    Batch b = frames == 1 ? data.stills(step, batch, resolution) : data.videos(step, batch, resolution, frames);
    NDArray x = scope.create(b.pixels(), new Shape(batch, 3, frames, resolution, resolution));
    int size = Math.min(crop, resolution);
    if (size < resolution) {
      int f = vae.config().spatialFactor();
      int y = random.nextInt((resolution - size) / f + 1) * f;
      int z = random.nextInt((resolution - size) / f + 1) * f;
      x = x.get(":, :, :, " + y + ":" + (y + size) + ", " + z + ":" + (z + size));
    }
    ParameterStore store = new ParameterStore(scope, false);
    NDArray input = x;
    NDArray latent =
        decoderOnly ? Grad.off(() -> vae.encode(store, input, false).stopGradient()) : vae.encode(store, x, true);
    NDArray reconstruction = vae.decode(store, latent, true);
    NDArray error = reconstruction.sub(x);
    return error.abs().mean().add(error.square().mean());
  }
}
