package dev.walt.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walt.model.transformer.TransformerConfig.Window;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransformerConfigTest {

  @Test
  void presetsInstantiateWithTheirPaperSizes() {
    assertEquals(
        List.of("walt-tiny", "walt-tiny-sr1", "walt-tiny-sr2", "walt-l", "walt-xl", "walt-3b", "walt-sr1", "walt-sr2"),
        List.copyOf(TransformerConfig.presetNames()));
    // Parameter counts from the block structure alone (no weights allocated).
    assertEquals(3_172_610, new WaltTransformer(TransformerConfig.preset("walt-tiny")).parameterCount());
    assertBetween(300e6, 330e6, new WaltTransformer(TransformerConfig.preset("walt-l")).parameterCount());
    assertBetween(440e6, 470e6, new WaltTransformer(TransformerConfig.preset("walt-xl")).parameterCount());
    assertBetween(3.2e9, 3.45e9, new WaltTransformer(TransformerConfig.preset("walt-3b")).parameterCount());
    assertBetween(0.9e9, 1.0e9, new WaltTransformer(TransformerConfig.preset("walt-sr1")).parameterCount());
    assertBetween(300e6, 330e6, new WaltTransformer(TransformerConfig.preset("walt-sr2")).parameterCount());

    TransformerConfig tiny = TransformerConfig.preset("walt-tiny");
    assertEquals(8 * 2 + 9, tiny.inputChannels()); // x_t, self-conditioning, frames + mask
    assertEquals(new Window(5, 8, 8), tiny.spatiotemporalWindow());
    TransformerConfig sr1 = TransformerConfig.preset("walt-sr1");
    assertEquals(2, sr1.patchSize());
    assertEquals(16, sr1.inputChannels()); // x_t and the upsampled low-res latent
  }

  @Test
  void invalidConfigurationsAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TransformerConfig.preset("walt-tiny").withSize(4, 100, 3));
    assertEquals("hiddenSize must be a positive multiple of heads", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TransformerConfig.preset("nope"));
    TransformerConfig withoutText = TransformerConfig.preset("walt-l");
    e = assertThrows(IllegalArgumentException.class, () -> withoutText.withPooledText(true));
    assertEquals("pooledText needs text (textDim > 0)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> withoutText.withTextLayout(2));
    assertEquals("textLayoutRank needs text (textDim > 0)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TransformerConfig.preset("walt-tiny").withTextLayout(-1));
    assertEquals("textLayoutRank must be >= 0", e.getMessage());
  }

  @Test
  void theTextLayoutAddsRMapsOverTheTokenGridAndRDirections() {
    TransformerConfig sr1 = TransformerConfig.preset("walt-tiny-sr1"); // patch 2: the maps cover tokens, not cells
    assertEquals(0, sr1.textLayoutRank());
    TransformerConfig layout = sr1.withTextLayout(3);
    assertEquals(3, layout.textLayoutRank());
    long cells = 3L * 5 * (32 / 2) * (32 / 2);
    assertEquals(
        new WaltTransformer(sr1).parameterCount() + sr1.textDim() * cells + cells + 3L * sr1.hiddenSize(),
        new WaltTransformer(layout).parameterCount());
    assertEquals(layout, layout.withSize(sr1.depth(), sr1.hiddenSize(), sr1.heads()).withPooledText(false));
  }

  @Test
  void thePooledTextPathAddsOneProjectionFromTheTextWidth() {
    TransformerConfig tiny = TransformerConfig.preset("walt-tiny");
    assertEquals(false, tiny.pooledText());
    assertEquals(true, tiny.withPooledText(true).pooledText());
    long d = tiny.hiddenSize();
    assertEquals(
        new WaltTransformer(tiny).parameterCount() + tiny.textDim() * d + d,
        new WaltTransformer(tiny.withPooledText(true)).parameterCount());
    assertEquals(tiny.withPooledText(true), tiny.withPooledText(true).withSize(tiny.depth(), tiny.hiddenSize(), tiny.heads()));
  }

  @Test
  void fullAttentionCoversTheWholeLatent() {
    TransformerConfig full = TransformerConfig.preset("walt-tiny").withFullAttention();
    assertEquals(new Window(5, 16, 16), full.spatialWindow());
    assertEquals(new Window(5, 16, 16), full.spatiotemporalWindow());
    assertEquals(false, full.relativePositionBias());
  }

  private static void assertBetween(double low, double high, long value) {
    assertTrue(value >= low && value <= high, value + " not in [" + low + ", " + high + "]");
  }
}
