package dev.walt.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.world.Background;
import dev.walt.world.Colour;
import dev.walt.world.Motion;
import dev.walt.world.Rgb;
import dev.walt.world.Scene;
import dev.walt.world.Shape;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class EvalReportTest {

  private static final Scene RED_CIRCLE_LEFT =
      new Scene(Shape.CIRCLE, Colour.RED, Background.BLACK, Motion.LEFT, 0.3, 0.7, 0.5, 0.3, 17, 0);

  private static Analysis read(String background, @Nullable String colour, @Nullable String shape, @Nullable String motion) {
    return new Analysis(background, colour, shape, motion, new Analysis.Confidence(1, 1, 1, 1),
        new Analysis.Measurements(new Rgb(0, 0, 0), null, 0, 0, 0, 0, 0, 0, 17));
  }

  @Test
  void countsAccuracyPerAttributeAndJointly() {
    EvalReport report = new EvalReport();
    report.add(RED_CIRCLE_LEFT, read("black", "red", "circle", "left")); // all right
    report.add(RED_CIRCLE_LEFT, read("black", "red", "square", "left")); // shape wrong
    report.add(RED_CIRCLE_LEFT, read("black", "blue", "circle", "left")); // colour wrong
    report.add(RED_CIRCLE_LEFT, read("gray", null, null, null)); // nothing found, background wrong
    EvalReport.Summary s = report.summary();
    assertThat(s.clips()).isEqualTo(4);
    assertThat(s.accuracy("colour")).isEqualTo(0.5);
    assertThat(s.accuracy("shape")).isEqualTo(0.5);
    assertThat(s.accuracy("motion")).isEqualTo(0.75);
    assertThat(s.accuracy("background")).isEqualTo(0.75);
    assertThat(s.accuracy("colour+motion")).isEqualTo(0.5);
    assertThat(s.accuracy("all")).isEqualTo(0.25);
    assertThat(s.accuracy()).containsEntry("shape", new EvalReport.Accuracy(2, 4));
    assertThat(s.errors().get("colour")).containsEntry("red -> blue", 1).containsEntry("red -> nothing", 1);
    assertThatThrownBy(() -> s.accuracy("size")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void summarisesMeasurementsAndPrintsMarkdown() {
    EvalReport report = new EvalReport();
    report.add(RED_CIRCLE_LEFT, read("black", "red", "square", "left"));
    report.addMeasurement("first-frame PSNR (dB)", 30);
    report.addMeasurement("first-frame PSNR (dB)", 34);
    assertThat(report.summary().measurements().get("first-frame PSNR (dB)"))
        .isEqualTo(new EvalReport.Stat(2, 32, 30, 34));
    assertThat(report.markdown()).isEqualTo("""
        | attribute | correct | clips | accuracy |
        |---|---:|---:|---:|
        | colour | 1 | 1 | 100.0% |
        | shape | 0 | 1 | 0.0% |
        | motion | 1 | 1 | 100.0% |
        | background | 1 | 1 | 100.0% |
        | colour+motion | 1 | 1 | 100.0% |
        | all | 0 | 1 | 0.0% |

        | measurement | n | mean | min | max |
        |---|---:|---:|---:|---:|
        | first-frame PSNR (dB) | 2 | 32.00 | 30.00 | 34.00 |

        Most frequent errors (wanted -> read):
        - shape: circle -> square (1)
        """);
    assertThat(report.errorsMarkdown()).isEqualTo("""

        Most frequent errors (wanted -> read):
        - shape: circle -> square (1)
        """);
    assertThat(new EvalReport().errorsMarkdown()).isEmpty();
  }

  @Test
  void measurementsAloneNeedNoClips() {
    EvalReport report = new EvalReport();
    report.addMeasurement("autoencoder PSNR (dB)", 33.5);
    assertThat(report.summary().clips()).isZero();
    assertThat(report.markdown()).startsWith("| measurement |").contains("| autoencoder PSNR (dB) | 1 | 33.50 |");
  }
}
