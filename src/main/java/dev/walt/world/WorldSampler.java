package dev.walt.world;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws examples of the world. Example {@code i} of a split is a pure function of (seed, split, kind, i):
 * each is drawn from its own {@link SplittableRandom}, so any example can be produced alone, in any order,
 * on any thread.
 *
 * <p>Scenes: shape, background and motion uniform; colour uniform among those that contrast with the
 * background; size uniform in [{@link World#MIN_SIZE}, {@link World#MAX_SIZE}]; a clip travels a distance
 * uniform in [{@link World#MIN_TRAVEL}, {@link World#MAX_TRAVEL}] from a start chosen uniformly among those
 * that keep the object {@link World#MARGIN} inside the frame throughout; a still image's position is uniform
 * over the same area.
 */
public final class WorldSampler {

  private static final long VIDEO = 0x5649_4445_4fL;
  private static final long STILL = 0x5354_494c_4cL;

  private final long seed;

  public WorldSampler(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /** Video example {@code index} of a split: a 17-frame clip of a moving object and its caption. */
  public Example video(Split split, long index) {
    long sceneSeed = Seeds.mix(seed, split.ordinal(), VIDEO, index);
    SplittableRandom random = new SplittableRandom(sceneSeed);
    Shape shape = pick(List.of(Shape.values()), random);
    Background background = pick(List.of(Background.values()), random);
    Colour colour = pick(coloursOn(background), random);
    Motion motion = pick(Motion.MOVING, random);
    double size = uniform(random, World.MIN_SIZE, World.MAX_SIZE);
    double travel = uniform(random, World.MIN_TRAVEL, World.MAX_TRAVEL);
    double lo = size / 2 + World.MARGIN;
    double hi = 1 - size / 2 - World.MARGIN;
    double along = motion.dx() + motion.dy() > 0
        ? uniform(random, lo, hi - travel)
        : uniform(random, lo + travel, hi);
    double across = uniform(random, lo, hi);
    boolean horizontal = motion.dx() != 0;
    Scene scene = new Scene(shape, colour, background, motion, size,
        horizontal ? along : across, horizontal ? across : along, travel, World.FRAMES, sceneSeed);
    Template template = pick(Captions.templates(split, false), random);
    return new Example(scene, Captions.caption(scene, template, random), template.id(), index);
  }

  /** Still-image example {@code index} of a split: one frame, captioned without a motion. */
  public Example still(Split split, long index) {
    long sceneSeed = Seeds.mix(seed, split.ordinal(), STILL, index);
    SplittableRandom random = new SplittableRandom(sceneSeed);
    Shape shape = pick(List.of(Shape.values()), random);
    Background background = pick(List.of(Background.values()), random);
    Colour colour = pick(coloursOn(background), random);
    double size = uniform(random, World.MIN_SIZE, World.MAX_SIZE);
    double lo = size / 2 + World.MARGIN;
    double hi = 1 - size / 2 - World.MARGIN;
    double x = uniform(random, lo, hi);
    double y = uniform(random, lo, hi);
    Scene scene = new Scene(shape, colour, background, Motion.STILL, size, x, y, 0, 1, sceneSeed);
    Template template = pick(Captions.templates(split, true), random);
    return new Example(scene, Captions.caption(scene, template, random), template.id(), index);
  }

  /** The colours allowed on a background (those with at least {@link World#MIN_CONTRAST}). */
  public static List<Colour> coloursOn(Background background) {
    return List.of(Colour.values()).stream().filter(c -> c.contrastsWith(background)).toList();
  }

  private static <T> T pick(List<T> values, SplittableRandom random) {
    return values.get(random.nextInt(values.size()));
  }

  private static double uniform(SplittableRandom random, double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }
}
