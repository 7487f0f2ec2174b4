package dev.walt.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (an external load generator) for a phase of {@link ApiBench} and turns its report into a row. */
final class Wrk {

  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern ERRORS = Pattern.compile("Socket errors: (.*)");

  private Wrk() {}

  /** Lua for wrk: POST /v1/videos with a distinct prompt per request. */
  static Path createScript(String key) throws IOException {
    return script("""
        local n = 0
        request = function()
          n = n + 1
          local body = '{"prompt":"a red ball bouncing ' .. n .. '-' .. math.random(1, 1000000000)
            .. '","frames":17,"steps":1,"size":"128x128"}'
          return wrk.format("POST", "/v1/videos",
            {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}, body)
        end
        """.formatted(key));
  }

  /** Lua for wrk: GET /v1/videos/{id} over the given ids, picked at random. */
  static Path readScript(String key, List<String> ids) throws IOException {
    StringBuilder list = new StringBuilder();
    for (String id : ids.subList(0, Math.min(ids.size(), 2000))) {
      list.append('"').append(id).append("\",");
    }
    return script("""
        local ids = {%s}
        request = function()
          return wrk.format("GET", "/v1/videos/" .. ids[math.random(1, #ids)], {["Authorization"] = "Bearer %s"})
        end
        """.formatted(list, key));
  }

  /** Lua for wrk: a plain GET of one path, no credentials. */
  static Path getScript(String path) throws IOException {
    return script("""
        request = function()
          return wrk.format("GET", "%s")
        end
        """.formatted(path));
  }

  private static Path script(String lua) throws IOException {
    Path file = Files.createTempFile("walt-bench", ".lua");
    file.toFile().deleteOnExit();
    Files.writeString(file, lua);
    return file;
  }

  /** What wrk reported for one phase. */
  record Result(String name, int connections, double rate, double p50, double p99, double max, long answered,
      long not2xx, String socketErrors) {

    /** The table row, with {@code extra} cells (CPU accounting) at its end when not empty. */
    String row(String extra) {
      return String.format(Locale.ROOT, "| %s (wrk) | %d | %.0f | %.2f | %.2f | %.2f | %d answered, %d not 2xx, socket errors: %s |%s",
          name, connections, rate, p50, p99, max, answered, not2xx, socketErrors, extra.isEmpty() ? "" : " " + extra + " |");
    }
  }

  /** Runs wrk with 2 threads and {@code connections} connections. */
  static Result run(String name, int connections, int seconds, String base, Path script)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
        "-s", script.toString(), base).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    return new Result(name, connections, Double.parseDouble(find(RATE, out, "0")), percentile(out, "50%"),
        percentile(out, "99%"), max(out), Long.parseLong(find(TOTAL, out, "0")),
        Long.parseLong(find(NON_2XX, out, "0")), find(ERRORS, out, "none"));
  }

  private static String find(Pattern p, String text, String otherwise) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1) : otherwise;
  }

  private static double percentile(String out, String label) {
    Matcher m = Pattern.compile("^\\s+" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
        .matcher(out);
    return m.find() ? millis(m.group(1), m.group(2)) : Double.NaN;
  }

  /** The "Max" column of the latency line of the thread stats. */
  private static double max(String out) {
    Matcher m = Pattern.compile("Latency\\s+\\S+\\s+\\S+\\s+([0-9.]+)(us|ms|s)").matcher(out);
    return m.find() ? millis(m.group(1), m.group(2)) : Double.NaN;
  }

  private static double millis(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }
}
