package dev.walt.eval;

import dev.walt.world.*;
import java.util.*;
import org.junit.jupiter.api.Test;

class CalibrationProbe {
  @Test
  void probe() {
    Analyser analyser = Analyser.shipped();
    WorldSampler sampler = new WorldSampler(7);
    for (int res : new int[] {32, 64, 128}) {
      for (boolean degrade : new boolean[] {false, true}) {
        Map<Shape, DoubleSummaryStatistics> fills = new EnumMap<>(Shape.class);
        Map<Shape, DoubleSummaryStatistics> skews = new EnumMap<>(Shape.class);
        int[] wrong = new int[4];
        double minMove = 9;
        double maxStill = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 300; i++) {
          Example e = sampler.video(Split.HELD_OUT, i);
          var frames = SceneRenderer.render(e.scene(), res);
          if (degrade) frames = Degrade.blurAndNoise(frames, 0.1, i);
          Analysis a = analyser.analyse(frames);
          fills.computeIfAbsent(e.scene().shape(), k -> new DoubleSummaryStatistics()).accept(a.measurements().fillRatio());
          skews.computeIfAbsent(e.scene().shape(), k -> new DoubleSummaryStatistics()).accept(a.measurements().skewness());
          if (!e.scene().colour().word().equals(a.colour())) { wrong[0]++; System.out.println("colour " + e + " " + a); }
          if (!e.scene().shape().word().equals(a.shape())) wrong[1]++;
          if (!e.scene().motion().word().equals(a.motion())) { wrong[2]++; System.out.println("motion " + e + " " + a); }
          if (!e.scene().background().word().equals(a.background())) wrong[3]++;
          minMove = Math.min(minMove, Math.hypot(a.measurements().dx(), a.measurements().dy()));
        }
        System.out.printf("res %d degrade %s wrong %s minMove %.3f ms/clip %.1f%n", res, degrade, Arrays.toString(wrong), minMove, (System.nanoTime() - start) / 3e8);
        fills.forEach((k, v) -> System.out.printf("  %s fill min %.3f avg %.3f max %.3f%n", k, v.getMin(), v.getAverage(), v.getMax()));
        skews.forEach((k, v) -> System.out.printf("  %s skew min %.3f avg %.3f max %.3f%n", k, v.getMin(), v.getAverage(), v.getMax()));
      }
    }
  }
}
