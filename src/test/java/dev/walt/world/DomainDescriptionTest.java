package dev.walt.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped description never drifts from the code (regenerate with {@link DomainDescription#main}). */
class DomainDescriptionTest {

  private static final Path DIRECTORY = Path.of(DomainDescription.SHIPPED_DIRECTORY);

  @Test
  void shippedDomainJsonIsWhatTheCodeProduces() throws IOException {
    assertThat(Files.readString(DIRECTORY.resolve("domain.json"), StandardCharsets.UTF_8))
        .isEqualTo(DomainDescription.json());
  }

  @Test
  void shippedVocabularyIsWhatTheCodeProduces() throws IOException {
    List<String> lines = Files.readAllLines(DIRECTORY.resolve("vocab.txt"), StandardCharsets.UTF_8);
    assertThat(Files.readString(DIRECTORY.resolve("vocab.txt"), StandardCharsets.UTF_8))
        .isEqualTo(DomainDescription.vocabText());
    assertThat(lines).isSorted().doesNotHaveDuplicates().allMatch(w -> w.matches("[a-z]+"));
    assertThat(lines).contains("red", "circle", "left", "backdrop", "navy", "grey");
  }

  @Test
  void parsedDomainHasTheCodesValues() {
    Domain domain = Domain.load();
    assertThat(domain.frames()).isEqualTo(World.FRAMES);
    assertThat(domain.fps()).isEqualTo(World.FPS);
    assertThat(domain.colours()).extracting(Domain.Named::name)
        .containsExactly(List.of(Colour.values()).stream().map(Colour::word).toArray(String[]::new));
    assertThat(domain.colours().get(0).rgb()).isEqualTo(Colour.RED.rgb());
    assertThat(domain.backgrounds()).extracting(Domain.Named::rgb)
        .containsExactly(List.of(Background.values()).stream().map(Background::rgb).toArray(Rgb[]::new));
    assertThat(domain.shapes()).containsExactly(
        new Domain.ShapeInfo("circle", Math.PI / 4, 0),
        new Domain.ShapeInfo("square", 1, 0),
        new Domain.ShapeInfo("triangle", 0.5, -2 * Math.sqrt(2) / 5));
    assertThat(domain.motions()).contains(new Domain.MotionInfo("left", -1, 0), new Domain.MotionInfo("still", 0, 0));
  }
}
