package dev.walt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.model.checkpoint.CheckpointException;
import dev.walt.model.checkpoint.Checkpoints;
import dev.walt.model.transformer.TransformerConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaltConfigTest {

  @TempDir Path dir;

  @Test
  void everyPresetRoundTripsThroughConfigJson() throws Exception {
    assertThat(WaltConfig.presetNames()).containsExactly("walt-tiny", "walt-paper-base", "walt-paper", "walt-l", "walt-xl");
    for (String name : WaltConfig.presetNames()) {
      WaltConfig config = WaltConfig.preset(name);
      Path folder = dir.resolve(name);
      Checkpoints.writeConfig(folder, config);
      assertThat(Checkpoints.readConfig(folder, WaltConfig.class)).as(name).isEqualTo(config);
    }
  }

  @Test
  void aBaseWithThePooledTextPathRoundTrips() throws Exception {
    WaltConfig pooled = TestModels.withPooledBase(WaltConfig.tiny());
    assertThat(pooled.base().transformer().pooledText()).isTrue();
    Checkpoints.writeConfig(dir, pooled);
    assertThat(Files.readString(dir.resolve("config.json"))).contains("\"pooledText\" : true");
    assertThat(Checkpoints.readConfig(dir, WaltConfig.class)).isEqualTo(pooled);
  }

  @Test
  void aBaseWithTheTextLayoutRoundTrips() throws Exception {
    WaltConfig layout = TestModels.withBase(WaltConfig.tiny(), t -> t.withTextLayout(4));
    Checkpoints.writeConfig(dir, layout);
    assertThat(Files.readString(dir.resolve("config.json"))).contains("\"textLayoutRank\" : 4");
    assertThat(Checkpoints.readConfig(dir, WaltConfig.class)).isEqualTo(layout);
  }

  @Test
  void aSuperResolutionStagesRefinerRoundTripsAndABaseStageHasNone() throws Exception {
    WaltConfig refined = TestModels.withRefiner(WaltConfig.tiny(), 1, 24, 3);
    assertThat(refined.stages().get(1).refiner()).isEqualTo(new RefinerConfig(24, 3));
    assertThat(refined.stages().get(1).refinerWeightsFile()).isEqualTo("sr2-refiner.safetensors");
    Checkpoints.writeConfig(dir, refined);
    assertThat(Checkpoints.readConfig(dir, WaltConfig.class)).isEqualTo(refined);
    assertThatThrownBy(() -> WaltConfig.tiny().base().withRefiner(new RefinerConfig(24, 3)))
        .hasMessage("stage base: only a super-resolution stage has a refiner");
    assertThatThrownBy(() -> new RefinerConfig(24, 1)).hasMessage("refiner layers must be in 2..32, got 1");
    WaltConfig tiny = WaltConfig.tiny();
    StageConfig clash = tiny.stages().get(1);
    assertThatThrownBy(() -> new WaltConfig("x", 8, 17, 5, 65, tiny.vae(), tiny.text(), tiny.diffusion(),
            List.of(new StageConfig("sr2-refiner", tiny.base().transformer(), 64, 64, 32, 4, 0, true), clash)))
        .hasMessageContaining("another stage's weight file is sr2-refiner.safetensors");
    assertThatThrownBy(() -> new RefinerConfig(0, 3)).hasMessage("refiner channels must be in 1..512, got 0");
  }

  @Test
  void aFirstStagesGuideRoundTripsAndOnlyAFirstStageThatReadsTextHasOne() throws Exception {
    WaltConfig guided = TestModels.withGuide(WaltConfig.tiny(), 48, 2.5);
    assertThat(guided.base().guide()).isEqualTo(new GuideConfig(48, 2.5));
    assertThat(guided.base().guideWeightsFile()).isEqualTo("base-guide.safetensors");
    Checkpoints.writeConfig(dir, guided);
    assertThat(Checkpoints.readConfig(dir, WaltConfig.class)).isEqualTo(guided);
    assertThatThrownBy(() -> WaltConfig.tiny().stages().get(1).withGuide(new GuideConfig(48, 1)))
        .hasMessage("stage sr2: only a first stage that reads text has a guide");
    StageConfig base = WaltConfig.tiny().base();
    assertThatThrownBy(() -> new StageConfig("base", base.transformer(), 64, 64, 32, 1, 0, false, null,
            new GuideConfig(48, 1)))
        .hasMessage("stage base: only a first stage that reads text has a guide");
    assertThatThrownBy(() -> new GuideConfig(48, -1)).hasMessage("guide scale must be in [0, 1000], got -1.0");
    assertThatThrownBy(() -> new GuideConfig(0, 1)).hasMessage("guide channels must be in 1..512, got 0");
    WaltConfig tiny = WaltConfig.tiny();
    StageConfig clash = new StageConfig("base-guide", tiny.stages().get(1).transformer(), 128, 128, 12, 1, 0.1, false);
    assertThatThrownBy(() -> new WaltConfig("x", 8, 17, 5, 65, tiny.vae(), tiny.text(), tiny.diffusion(),
            List.of(guided.base(), clash)))
        .hasMessageContaining("another stage's weight file is base-guide.safetensors");
  }

  @Test
  void aFirstStagesCaptionRefinerRoundTripsAndOnlyAFirstStageThatReadsTextHasOne() throws Exception {
    WaltConfig refined = TestModels.withCaptionRefiner(WaltConfig.tiny(), 48, 5);
    assertThat(refined.base().captionRefiner()).isEqualTo(new CaptionRefinerConfig(48, 5, 1));
    assertThat(refined.base().captionRefinerWeightsFile()).isEqualTo("base-caption-refiner.safetensors");
    assertThat(refined.base().partWeightFiles()).contains("base-caption-refiner.safetensors");
    Checkpoints.writeConfig(dir, refined);
    assertThat(Checkpoints.readConfig(dir, WaltConfig.class)).isEqualTo(refined);
    assertThatThrownBy(() -> WaltConfig.tiny().stages().get(1).withCaptionRefiner(new CaptionRefinerConfig(48, 5, 1)))
        .hasMessage("stage sr2: only a first stage that reads text has a caption refiner");
    StageConfig base = WaltConfig.tiny().base();
    assertThatThrownBy(() -> new StageConfig("base", base.transformer(), 64, 64, 32, 1, 0, false, null, null,
            new CaptionRefinerConfig(48, 5, 1)))
        .hasMessage("stage base: only a first stage that reads text has a caption refiner");
    WaltConfig tiny = WaltConfig.tiny();
    StageConfig clash =
        new StageConfig("base-caption-refiner", tiny.stages().get(1).transformer(), 128, 128, 12, 1, 0.1, false);
    assertThatThrownBy(() -> new WaltConfig("x", 8, 17, 5, 65, tiny.vae(), tiny.text(), tiny.diffusion(),
            List.of(refined.base(), clash)))
        .hasMessageContaining("another stage's weight file is base-caption-refiner.safetensors");
  }

  @Test
  void bundledConfigIsTheTinyPreset() throws Exception {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(WaltModel.BUNDLED + WaltModel.CONFIG_FILE)) {
      assertThat(in).isNotNull();
      assertThat(Checkpoints.json().readValue(in, WaltConfig.class)).isEqualTo(WaltConfig.tiny());
    }
  }

  @Test
  void tinyHasTheDocumentedGeometry() {
    WaltConfig tiny = WaltConfig.tiny();
    assertThat(tiny.frames()).isEqualTo(17);
    assertThat(tiny.fps()).isEqualTo(8);
    assertThat(tiny.vae().latentFrames(17)).isEqualTo(5);
    assertThat(tiny.stages()).extracting(StageConfig::name).containsExactly("base", "sr2");
    assertThat(tiny.stages()).extracting(StageConfig::height).containsExactly(64, 128);
    // patch 2 on the 5 x 16 x 16 latent of a 64 px clip: the 5 x 8 x 8 token grid of the windows below
    assertThat(tiny.base().transformer().patchSize()).isEqualTo(2);
    assertThat(tiny.base().transformer().pooledText()).isTrue();
    assertThat(tiny.base().transformer().textLayoutRank()).isEqualTo(4);
    assertThat(tiny.base().transformer().spatialWindow()).isEqualTo(new TransformerConfig.Window(1, 8, 8));
    assertThat(tiny.base().transformer().spatiotemporalWindow()).isEqualTo(new TransformerConfig.Window(5, 4, 4));
    assertThat(tiny.supportedFrames()).containsExactly(17, 29, 41, 53, 65);
    assertThat(tiny.segments(41)).isEqualTo(3);
    assertThatThrownBy(() -> tiny.segments(18)).hasMessageContaining("[17, 29, 41, 53, 65]");
    assertThat(WaltModel.files(tiny))
        .containsExactly("vae.safetensors", "text.safetensors", "vocab.txt", "base.safetensors",
            "base-caption-refiner.safetensors", "sr2.safetensors", "sr2-refiner.safetensors");
    assertThat(tiny.stages().get(1).refiner()).isEqualTo(new RefinerConfig(32, 5));
    assertThat(tiny.base().captionRefiner()).isEqualTo(new CaptionRefinerConfig(32, 2, 2));
  }

  @Test
  void tinyTextLengthHoldsEveryCaptionOfTheWorld() {
    dev.walt.world.WorldSampler world = new dev.walt.world.WorldSampler(1);
    int longest = 0;
    for (dev.walt.world.Split split : dev.walt.world.Split.values()) {
      for (int i = 0; i < 2000; i++) {
        for (var example : List.of(world.video(split, i), world.still(split, i))) {
          longest = Math.max(longest, dev.walt.model.text.WordTokenizer.split(example.caption()).size());
        }
      }
    }
    assertThat(longest).isEqualTo(15).isLessThanOrEqualTo(WaltConfig.tiny().text().maxTokens());
  }

  @Test
  void inconsistentConfigsAreRejectedWithAReason() {
    WaltConfig tiny = WaltConfig.tiny();
    StageConfig base = tiny.base();
    StageConfig sr = tiny.stages().get(1);
    assertThatThrownBy(() -> new WaltConfig("x", 8, 17, 5, 65, tiny.vae(), tiny.text(), tiny.diffusion(), List.of(sr)))
        .hasMessageContaining("first stage cannot be a super-resolution stage");
    assertThatThrownBy(() -> new WaltConfig("x", 8, 17, 5, 65, tiny.vae(), tiny.text(), tiny.diffusion(),
            List.of(base, new StageConfig("sr2", sr.transformer(), 64, 64, 12, 1.0, 0.1, false))))
        .hasMessageContaining("does not map 64x64 to 64x64");
    assertThatThrownBy(() -> new WaltConfig("x", 8, 17, 5, 66, tiny.vae(), tiny.text(), tiny.diffusion(), List.of(base)))
        .hasMessageContaining("maxFrames");
    assertThatThrownBy(() -> new WaltConfig("x", 8, 17, 5, 65, tiny.vae(), null, tiny.diffusion(), List.of(base)))
        .hasMessageContaining("takes text but the model has no text encoder");
    assertThatThrownBy(() -> new WaltConfig("x", 8, 17, 5, 65, tiny.vae(), tiny.text(), tiny.diffusion(),
            List.of(new StageConfig("base", base.transformer(), 96, 96, 8, 1, 0, true))))
        .hasMessageContaining("exceeds the transformer's position tables");
  }

  @Test
  void unknownFieldsInConfigJsonFailNamingTheFile() throws Exception {
    Checkpoints.writeConfig(dir, WaltConfig.tiny());
    Path file = dir.resolve("config.json");
    Files.writeString(file, Files.readString(file).replaceFirst("\\{", "{ \"colour\": 1,"));
    assertThatThrownBy(() -> Checkpoints.readConfig(dir, WaltConfig.class))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining("colour");
  }

  /** Writes the bundled config.json (run by hand when the preset changes: -Dwalt.writeBundledConfig=true). */
  @Test
  void writeBundledConfigWhenAsked() throws Exception {
    if (Boolean.getBoolean("walt.writeBundledConfig")) {
      Checkpoints.writeConfig(Path.of("src/main/resources/models/walt-tiny"), WaltConfig.tiny());
    }
    assertThat(WaltConfig.tiny()).isEqualTo(WaltConfig.preset("walt-tiny"));
  }
}
