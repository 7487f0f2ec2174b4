package dev.walt.eval;

import dev.walt.world.Attributes;
import dev.walt.world.Scene;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Accumulates how well generated clips follow their prompts: per attribute, whether the {@link Analyser}'s
 * reading of a clip matches the ground-truth {@link Scene} of its prompt; and named measurements (PSNR
 * figures, timings) summarised by count, mean, min and max. Thread-safe.
 */
public final class EvalReport {

  /** The accuracies reported, in order. */
  public static final List<String> ATTRIBUTES =
      List.of("colour", "shape", "motion", "background", "colour+motion", "all");

  private final Map<String, int[]> correct = new LinkedHashMap<>(); // attribute -> {correct, total}
  private final Map<String, Map<String, Integer>> errors = new LinkedHashMap<>(); // attribute -> "want -> got" -> n
  private final Map<String, List<Double>> measurements = new LinkedHashMap<>();

  public EvalReport() {
    for (String attribute : ATTRIBUTES) {
      correct.put(attribute, new int[2]);
      errors.put(attribute, new TreeMap<>());
    }
  }

  /** Records the analysis of a clip generated for a prompt that describes {@code truth}. */
  public void add(Scene truth, Analysis got) {
    add(Attributes.of(truth), got);
  }

  /**
   * Records the analysis of a clip generated for a prompt that asks for {@code truth} (e.g. {@link
   * Attributes#parse(String)} of the prompt).
   */
  public synchronized void add(Attributes truth, Analysis got) {
    boolean colour = score("colour", truth.colour().word(), got.colour());
    boolean motion = score("motion", truth.motion().word(), got.motion());
    boolean shape = score("shape", truth.shape().word(), got.shape());
    boolean background = score("background", truth.background().word(), got.background());
    count("colour+motion", colour && motion);
    count("all", colour && motion && shape && background);
  }

  /** Records one value of a named measurement (e.g. {@code "first-frame PSNR (dB)"}). */
  public synchronized void addMeasurement(String name, double value) {
    measurements.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
  }

  /** Accuracies and measurement statistics so far. */
  public synchronized Summary summary() {
    Map<String, Accuracy> accuracy = new LinkedHashMap<>();
    correct.forEach((attribute, c) -> accuracy.put(attribute, new Accuracy(c[0], c[1])));
    Map<String, Stat> stats = new LinkedHashMap<>();
    measurements.forEach((name, values) -> stats.put(name, Stat.of(values)));
    Map<String, Map<String, Integer>> errorCopy = new LinkedHashMap<>();
    errors.forEach((attribute, e) -> errorCopy.put(attribute, Map.copyOf(e)));
    return new Summary(correct.get("all")[1], accuracy, stats, errorCopy);
  }

  /** The summary as Markdown: an accuracy table, a measurement table and the most frequent errors. */
  public String markdown() {
    Summary s = summary();
    StringBuilder out = new StringBuilder();
    if (s.clips() > 0) {
      out.append("| attribute | correct | clips | accuracy |\n|---|---:|---:|---:|\n");
      s.accuracy().forEach((attribute, a) -> out.append(String.format(
          Locale.ROOT, "| %s | %d | %d | %.1f%% |%n", attribute, a.correct(), a.total(), 100 * a.fraction())));
    }
    if (!s.measurements().isEmpty()) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append("| measurement | n | mean | min | max |\n|---|---:|---:|---:|---:|\n");
      s.measurements().forEach((name, st) -> out.append(String.format(
          Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f |%n", name, st.count(), st.mean(), st.min(), st.max())));
    }
    return out.append(errorsMarkdown(s)).toString();
  }

  /** The most frequent errors alone, as in {@link #markdown()}; empty when there are none. */
  public String errorsMarkdown() {
    return errorsMarkdown(summary());
  }

  private static String errorsMarkdown(Summary s) {
    StringBuilder out = new StringBuilder();
    List<String> lines = new ArrayList<>();
    s.errors().forEach((attribute, e) -> e.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(5)
        .forEach(x -> lines.add("- " + attribute + ": " + x.getKey() + " (" + x.getValue() + ")")));
    if (!lines.isEmpty()) {
      out.append("\nMost frequent errors (wanted -> read):\n");
      lines.forEach(l -> out.append(l).append('\n'));
    }
    return out.toString();
  }

  private boolean score(String attribute, String want, @Nullable String got) {
    boolean ok = want.equals(got);
    count(attribute, ok);
    if (!ok) {
      errors.get(attribute).merge(want + " -> " + (got == null ? "nothing" : got), 1, Integer::sum);
    }
    return ok;
  }

  private void count(String attribute, boolean ok) {
    int[] c = correct.get(attribute);
    c[0] += ok ? 1 : 0;
    c[1]++;
  }

  /**
   * @param clips clips added
   * @param accuracy per attribute of {@link #ATTRIBUTES}
   * @param measurements per measurement name, in the order first added
   * @param errors per attribute, {@code "wanted -> read"} and how often
   */
  public record Summary(
      int clips, Map<String, Accuracy> accuracy, Map<String, Stat> measurements, Map<String, Map<String, Integer>> errors) {

    /** The accuracy of one attribute, a fraction in [0, 1] (0 with no clips). */
    public double accuracy(String attribute) {
      Accuracy a = accuracy.get(attribute);
      if (a == null) {
        throw new IllegalArgumentException("no attribute " + attribute + "; one of " + ATTRIBUTES);
      }
      return a.fraction();
    }
  }

  /** Correct out of total. */
  public record Accuracy(int correct, int total) {

    public double fraction() {
      return total == 0 ? 0 : (double) correct / total;
    }
  }

  /** Count, mean, min and max of a measurement. */
  public record Stat(int count, double mean, double min, double max) {

    static Stat of(List<Double> values) {
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double v : values) {
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return new Stat(values.size(), sum / values.size(), min, max);
    }
  }
}
