package dev.walt.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class AttributesTest {

  @Test
  void everyCaptionOfEveryTemplateParsesBackToItsScene() {
    WorldSampler sampler = new WorldSampler(21);
    for (Split split : Split.values()) {
      for (long i = 0; i < 500; i++) {
        Example video = sampler.video(split, i);
        assertThat(Attributes.parse(video.caption())).as(video.caption()).contains(Attributes.of(video.scene()));
        Example still = sampler.still(split, i);
        assertThat(Attributes.parse(still.caption())).as(still.caption()).contains(Attributes.of(still.scene()));
      }
    }
  }

  @Test
  void freeTextPromptsParseAndAmbiguousOnesDoNot() {
    assertThat(Attributes.parse("A Red ball, rising to the top; grey backdrop!"))
        .contains(new Attributes(Shape.CIRCLE, Colour.RED, Background.GRAY, Motion.UP));
    assertThat(Attributes.parse("a red circle on a navy background"))
        .contains(new Attributes(Shape.CIRCLE, Colour.RED, Background.NAVY, Motion.STILL));
    assertThat(Attributes.parse("a red blue circle moving left on black")).isEmpty();
    assertThat(Attributes.parse("a red circle moving left then right on black")).isEmpty();
    assertThat(Attributes.parse("a red circle moving left")).isEmpty();
    assertThat(Attributes.parse("a cat")).isEmpty();
    assertThat(Attributes.distinctiveWords(Motion.LEFT)).isEqualTo(Set.of("left", "leftward"));
    assertThat(Attributes.distinctiveWords(Motion.UP)).isEqualTo(Set.of("up", "upward", "rising", "top"));
  }
}
