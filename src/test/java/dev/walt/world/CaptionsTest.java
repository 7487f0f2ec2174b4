package dev.walt.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptionsTest {

  @Test
  void captionsUseOnlyVocabularyWordsAndEveryTemplateOfTheirSplit() {
    Set<String> vocabulary = Set.copyOf(Vocabulary.words());
    WorldSampler sampler = new WorldSampler(11);
    for (Split split : Split.values()) {
      Set<String> used = new HashSet<>();
      for (long i = 0; i < 400; i++) {
        for (Example e : List.of(sampler.video(split, i), sampler.still(split, i))) {
          assertThat(vocabulary).containsAll(Vocabulary.tokenize(e.caption()));
          used.add(e.template());
        }
      }
      assertThat(used).containsExactlyInAnyOrderElementsOf(
          Captions.TEMPLATES.stream().filter(t -> t.split() == split).map(Template::id).toList());
    }
  }

  @Test
  void noCaptionIsLongerThanTheAdvertisedMaximumAndSomeReachIt() {
    WorldSampler sampler = new WorldSampler(13);
    int longest = 0;
    for (Split split : Split.values()) {
      for (long i = 0; i < 2000; i++) {
        longest = Math.max(longest, Vocabulary.tokenize(sampler.video(split, i).caption()).size());
        longest = Math.max(longest, Vocabulary.tokenize(sampler.still(split, i).caption()).size());
      }
    }
    assertThat(longest).isEqualTo(Vocabulary.maxCaptionWords());
  }

  @Test
  void captionsNameTheSceneAndOnlyVideosNameAMotion() {
    WorldSampler sampler = new WorldSampler(12);
    Set<String> motionWords = new HashSet<>();
    Motion.MOVING.forEach(m -> m.phrases().forEach(p -> motionWords.addAll(Vocabulary.tokenize(p))));
    motionWords.removeAll(List.of("to", "the"));
    for (long i = 0; i < 300; i++) {
      Example video = sampler.video(Split.TRAIN, i);
      Scene s = video.scene();
      assertThat(Vocabulary.tokenize(video.caption())).contains(s.colour().word());
      assertThat(Vocabulary.tokenize(video.caption())).containsAnyElementsOf(s.shape().words());
      assertThat(Vocabulary.tokenize(video.caption())).containsAnyElementsOf(s.background().words());
      assertThat(s.motion().phrases()).anyMatch(video.caption()::contains);
      for (Motion other : Motion.MOVING) {
        if (other != s.motion()) {
          assertThat(other.phrases()).noneMatch(video.caption()::contains);
        }
      }
      Example still = sampler.still(Split.HELD_OUT, i);
      assertThat(Vocabulary.tokenize(still.caption())).doesNotContainAnyElementsOf(motionWords);
    }
  }

  @Test
  void heldOutTemplatesAreNewButUseOnlyWordsSeenInTraining() {
    Set<String> trainPatterns = new HashSet<>();
    Captions.templates(Split.TRAIN, false).forEach(t -> trainPatterns.add(t.pattern()));
    Captions.templates(Split.TRAIN, true).forEach(t -> trainPatterns.add(t.pattern()));
    for (boolean still : new boolean[] {false, true}) {
      assertThat(Captions.templates(Split.TRAIN, still)).hasSizeGreaterThanOrEqualTo(4);
      assertThat(Captions.templates(Split.HELD_OUT, still)).hasSizeGreaterThanOrEqualTo(2);
      for (Template t : Captions.templates(Split.HELD_OUT, still)) {
        assertThat(trainPatterns).doesNotContain(t.pattern());
      }
    }
    assertThat(Vocabulary.words(Split.TRAIN)).containsAll(Vocabulary.words(Split.HELD_OUT));
  }

  @Test
  void canonicalCaptionAndTokenizer() {
    Scene s = new Scene(Shape.CIRCLE, Colour.RED, Background.BLACK, Motion.LEFT, 0.3, 0.7, 0.5, 0.3, 17, 0);
    assertThat(Captions.canonical(s)).isEqualTo("a red circle moving left on a black background");
    assertThat(Vocabulary.tokenize("Red ball drifting to the left, black backdrop"))
        .containsExactly("red", "ball", "drifting", "to", "the", "left", "black", "backdrop");
  }
}
