package dev.walt.world;

import java.util.List;
import java.util.SplittableRandom;

/** The caption templates of the world, and captioning of scenes with random synonyms. */
public final class Captions {

  /** Every template, training ones first. */
  public static final List<Template> TEMPLATES = List.of(
      new Template("train-video-1", Split.TRAIN, false, "a {colour} {shape} {motion} on a {background} background"),
      new Template("train-video-2", Split.TRAIN, false, "{colour} {shape} {motion}, {background} backdrop"),
      new Template("train-video-3", Split.TRAIN, false, "a {colour} {shape} {motion} over a {background} background"),
      new Template("train-video-4", Split.TRAIN, false, "{background} background, a {colour} {shape} {motion}"),
      new Template("train-video-5", Split.TRAIN, false,
          "the {colour} {shape} is {motion} across the {background} backdrop"),
      new Template("train-video-6", Split.TRAIN, false,
          "video of a {colour} {shape} {motion} in front of a {background} background"),
      new Template("train-video-7", Split.TRAIN, false, "a {background} scene with a {colour} {shape} {motion}"),
      new Template("train-still-1", Split.TRAIN, true, "a {colour} {shape} on a {background} background"),
      new Template("train-still-2", Split.TRAIN, true, "{colour} {shape}, {background} backdrop"),
      new Template("train-still-3", Split.TRAIN, true, "image of a {colour} {shape} against a {background} background"),
      new Template("train-still-4", Split.TRAIN, true, "a still {colour} {shape} in front of a {background} backdrop"),
      new Template("held-out-video-1", Split.HELD_OUT, false,
          "a {colour} {shape} {motion} against a {background} background"),
      new Template("held-out-video-2", Split.HELD_OUT, false,
          "over a {background} backdrop, the {colour} {shape} is {motion}"),
      new Template("held-out-video-3", Split.HELD_OUT, false,
          "{background} background with a {colour} {shape} {motion}"),
      new Template("held-out-still-1", Split.HELD_OUT, true, "the {colour} {shape} on the {background} backdrop"),
      new Template("held-out-still-2", Split.HELD_OUT, true, "a {background} scene with a still {colour} {shape}"));

  private Captions() {}

  /** The templates of a split, for clips ({@code still} false) or still images. */
  public static List<Template> templates(Split split, boolean still) {
    return TEMPLATES.stream().filter(t -> t.split() == split && t.still() == still).toList();
  }

  /** A caption of a scene with a given template, synonyms drawn from {@code random}. */
  public static String caption(Scene scene, Template template, SplittableRandom random) {
    if (template.still() != (scene.motion() == Motion.STILL)) {
      throw new IllegalArgumentException(template.id() + " does not fit a " + scene.motion().word() + " scene");
    }
    String shape = pick(scene.shape().words(), random);
    String background = pick(scene.background().words(), random);
    String motion = template.still() ? "" : pick(scene.motion().phrases(), random);
    return template.fill(scene.colour().word(), shape, motion, background);
  }

  /** The canonical caption of a scene (first template of its kind, first synonyms): for prompts in demos. */
  public static String canonical(Scene scene) {
    boolean still = scene.motion() == Motion.STILL;
    Template template = templates(Split.TRAIN, still).get(0);
    String motion = still ? "" : scene.motion().phrases().get(0);
    return template.fill(
        scene.colour().word(), scene.shape().words().get(0), motion, scene.background().words().get(0));
  }

  private static String pick(List<String> words, SplittableRandom random) {
    return words.get(random.nextInt(words.size()));
  }
}
