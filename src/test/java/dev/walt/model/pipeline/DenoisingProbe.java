package dev.walt.model.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.walt.eval.Analyser;
import dev.walt.eval.Analysis;
import dev.walt.model.WaltModel;
import dev.walt.model.diffusion.DenoiserInput;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.NoiseSchedule;
import dev.walt.model.text.TextEmbedding;
import dev.walt.model.transformer.WaltTransformer;
import dev.walt.world.Domain;
import dev.walt.world.Example;
import dev.walt.world.Frames;
import dev.walt.world.Motion;
import dev.walt.world.SceneRenderer;
import dev.walt.world.Split;
import dev.walt.world.WorldSampler;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A training diagnostic (not a test): does a base stage take the motion from its prompt? For held-out
 * clips at the base stage's size, the clean latent is noised to timestep t, the base stage predicts x0
 * (once, then once more self-conditioned on that estimate, as sampling does), and the analyser reads the
 * decoded estimate. Printed per t: how often the estimate moves as the clip does, how often it moves the
 * way a caption with the opposite direction says (left/right, up/down swapped), and how much its latent
 * changes from the second to the last latent frame relative to the clip's own latent. A model that has
 * bound the motion words follows the swapped caption at high t, where x_t hardly shows the object. With {@code i2v}
 * the clean first latent frame is given (image-to-video): the object's start is then known and the direction
 * word alone decides where it goes.
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -Dai.djl.offline=true -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *     dev.walt.model.pipeline.DenoisingProbe MODEL_DIR [clips=12] [i2v]
 * </pre>
 */
public final class DenoisingProbe {

  private static final int[] TIMESTEPS = {100, 300, 500, 600, 700, 850, 950};

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int clips = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    boolean firstFrameGiven = args.length > 2 && args[2].equals("i2v");
    try (WaltModel model = WaltModel.load(dir)) {
      Analyser analyser = new Analyser(Domain.parse(model.domainJson()));
      WaltTransformer base = model.stages().get(0);
      int side = model.config().stages().get(0).width();
      int frames = model.config().frames();
      NoiseSchedule schedule = NoiseSchedule.walt();
      WorldSampler world = new WorldSampler(1);
      System.out.printf(Locale.ROOT, "# denoising probe of %s (base stage, %d px, %d held-out clips%s)%n%n", dir, side, clips,
          firstFrameGiven ? ", first latent frame given" : "");
      System.out.println("| t | moves as the clip | moves as the swapped caption | still | latent change, estimate / clip "
          + "| travel along the caption | travel along the swapped caption | latent travel, caption | latent travel, swapped |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      NDManager latents = model.manager().newSubManager();
      List<Example> examples = new java.util.ArrayList<>();
      List<NDArray> clean = new java.util.ArrayList<>(); // each clip's latent, encoded once for every t
      for (int i = 0; i < clips; i++) {
        Example example = world.video(Split.HELD_OUT, i);
        examples.add(example);
        clean.add(model.vae().encode(latents.create(
            Frames.toArray(SceneRenderer.render(example.scene(), 0, frames, side)), new Shape(1, 3, frames, side, side))));
      }
      for (int t : TIMESTEPS) {
        int asClip = 0;
        int asSwapped = 0;
        int still = 0;
        double change = 0;
        double along = 0;
        double alongSwapped = 0;
        double latentAlong = 0;
        double latentAlongSwapped = 0;
        for (int i = 0; i < clips; i++) {
          Example example = examples.get(i);
          Motion motion = example.scene().motion();
          NDArray z = clean.get(i);
          try (NDManager clip = model.manager().newSubManager()) {
            // the noised latent, shared by both captions
            NDArray xt = schedule.addNoise(z, new GaussianNoise(1000 + i).next(clip, z.getShape()), t);
            NDArray time = clip.create(new float[] {t});
            NDArray frameMask = null;
            NDArray frameCondition = null;
            if (firstFrameGiven) { // image-to-video: the clean first latent frame given, as training's frame conditioning
              float[] mask = new float[(int) z.getShape().get(2)];
              mask[0] = 1;
              frameMask = clip.create(mask, new Shape(1, mask.length));
              frameCondition = z.mul(frameMask.reshape(1, 1, mask.length, 1, 1));
            }
            for (boolean swap : new boolean[] {false, true}) {
              try (NDManager scope = clip.newSubManager()) {
                String caption = swap ? swapDirection(example.caption()) : example.caption();
                TextEmbedding text = model.textEncoder().encode(List.of(caption), scope);
                NDArray x0 = schedule.x0FromV(xt,
                    base.predictV(new DenoiserInput(xt, time, null, text.tokens(), text.mask(), frameCondition, frameMask,
                        null, null, false)), t);
                x0 = schedule.x0FromV(xt,
                    base.predictV(new DenoiserInput(xt, time, x0, text.tokens(), text.mask(), frameCondition, frameMask,
                        null, null, false)), t);
                float[] pixels = model.vae().decode(x0).toFloatArray();
                Analysis read = analyser.analyse(Frames.fromArray(pixels, frames, side, side));
                Motion wanted = swap ? opposite(motion) : motion;
                double travel = travelAlong(pixels, frames, side, example.scene().background().rgb(), wanted);
                double latentTravel = latentTravelAlong(x0, wanted);
                if (!swap) {
                  asClip += motion.word().equals(read.motion()) ? 1 : 0;
                  along += travel;
                  latentAlong += latentTravel;
                  still += Motion.STILL.word().equals(read.motion()) ? 1 : 0;
                  long last = z.getShape().get(2);
                  change += x0.get(":, :, {}:", last - 1).sub(x0.get(":, :, 1:2")).abs().mean().getFloat()
                      / z.get(":, :, {}:", last - 1).sub(z.get(":, :, 1:2")).abs().mean().getFloat();
                } else {
                  asSwapped += opposite(motion).word().equals(read.motion()) ? 1 : 0;
                  alongSwapped += travel;
                  latentAlongSwapped += latentTravel;
                }
              }
            }
          }
        }
        System.out.printf(Locale.ROOT, "| %d | %d / %d | %d / %d | %d | %.2f | %+.3f | %+.3f | %+.3f | %+.3f |%n", t, asClip,
            clips, asSwapped, clips, still, change / clips, along / clips, alongSwapped / clips, latentAlong / clips,
            latentAlongSwapped / clips);
      }
      latents.close();
    }
  }

  /**
   * How far the estimate's mass moves from the first to the last frame along a motion's direction, as a fraction
   * of the frame side: the centroid of each frame weighted by every pixel's RGB distance from the background. A
   * blurred estimate (high t) that the analyser cannot read still shows a drift of its mass; the clips themselves
   * travel 0.30-0.45.
   *
   * @param pixels (3, T, H, W) in [-1, 1]
   */
  public static double travelAlong(float[] pixels, int frames, int side, dev.walt.world.Rgb background, Motion motion) {
    double[] bg = {background.r() / 127.5 - 1, background.g() / 127.5 - 1, background.b() / 127.5 - 1};
    return along(
        centroid(frame(pixels, 3, frames, side, side, 0), 3, side, side, bg),
        centroid(frame(pixels, 3, frames, side, side, frames - 1), 3, side, side, bg), motion, side);
  }

  /**
   * {@link #travelAlong} measured on the latent itself: per latent frame, the centroid of every cell's distance
   * from the frame's median latent (the flat background's value), first to last latent frame.
   * At high t the estimate is the mean over every place the object may be, which the decoder renders as
   * background; in the latent that mean still leans towards where the object is likely, frame by frame.
   *
   * @param latent (1, C, T, H, W)
   */
  public static double latentTravelAlong(NDArray latent, Motion motion) {
    int c = (int) latent.getShape().get(1);
    int t = (int) latent.getShape().get(2);
    int h = (int) latent.getShape().get(3);
    int w = (int) latent.getShape().get(4);
    float[] all = latent.toFloatArray();
    float[] first = frame(all, c, t, h, w, 0);
    float[] last = frame(all, c, t, h, w, t - 1);
    return along(centroid(first, c, h, w, median(first, c, h * w)), centroid(last, c, h, w, median(last, c, h * w)),
        motion, w);
  }

  /** Displacement from one centroid to another along a motion's direction, as a fraction of the side. */
  private static double along(double[] from, double[] to, Motion motion, int side) {
    return ((to[0] - from[0]) * motion.dx() + (to[1] - from[1]) * motion.dy()) / side;
  }

  /** Frame {@code k} (C, H, W) of a (C, T, H, W) array. */
  private static float[] frame(float[] data, int channels, int frames, int h, int w, int k) {
    float[] out = new float[channels * h * w];
    for (int c = 0; c < channels; c++) {
      System.arraycopy(data, (c * frames + k) * h * w, out, c * h * w, h * w);
    }
    return out;
  }

  /** Per channel, the median over the cells of a (C, H*W) frame: the background's value (the object covers less). */
  private static double[] median(float[] frame, int channels, int cells) {
    double[] median = new double[channels];
    for (int c = 0; c < channels; c++) {
      float[] values = java.util.Arrays.copyOfRange(frame, c * cells, (c + 1) * cells);
      java.util.Arrays.sort(values);
      median[c] = (values[cells / 2] + values[(cells - 1) / 2]) / 2.0;
    }
    return median;
  }

  /** Centroid (x, y) of a (C, H, W) frame, each cell weighted by its distance from {@code reference}. */
  private static double[] centroid(float[] frame, int channels, int h, int w, double[] reference) {
    double mass = 0;
    double x = 0;
    double y = 0;
    for (int r = 0; r < h; r++) {
      for (int col = 0; col < w; col++) {
        double d = 0;
        for (int c = 0; c < channels; c++) {
          double diff = frame[c * h * w + r * w + col] - reference[c];
          d += diff * diff;
        }
        double weight = Math.sqrt(d);
        mass += weight;
        x += weight * (col + 0.5);
        y += weight * (r + 0.5);
      }
    }
    return mass == 0 ? new double[] {w / 2.0, h / 2.0} : new double[] {x / mass, y / mass};
  }

  public static Motion opposite(Motion motion) {
    return switch (motion) {
      case LEFT -> Motion.RIGHT;
      case RIGHT -> Motion.LEFT;
      case UP -> Motion.DOWN;
      case DOWN -> Motion.UP;
      case STILL -> Motion.STILL;
    };
  }

  /** The caption with its direction words swapped (the world's phrases, see {@link Motion#phrases()}). */
  public static String swapDirection(String caption) {
    for (Motion motion : Motion.MOVING) {
      for (int p = 0; p < motion.phrases().size(); p++) {
        String phrase = motion.phrases().get(p);
        if (caption.contains(phrase)) {
          return caption.replace(phrase, opposite(motion).phrases().get(p));
        }
      }
    }
    throw new IllegalArgumentException("no motion phrase in: " + caption);
  }
}
