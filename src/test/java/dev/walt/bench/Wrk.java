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
  private static final Pattern TIMED =
      Pattern.compile("timed: (\\d+) responses, p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms");

  private Wrk() {}

  /**
   * Lua that times each request itself, since wrk's own percentiles are not the requests' latencies: after a
   * run wrk "corrects for coordinated omission", adding for every response slower than twice the mean
   * interval per connection the latencies that the requests this connection did not send meanwhile would
   * have had (an estimate for clients that send at a fixed rate whatever the answers). Here each request's
   * send time is kept under a tag that its response carries, and {@code done} prints the percentiles of
   * the responses matched to their request ({@code timed: ...}). Scripts define {@code request} (calling
   * {@code sent(tag)}) and {@code response} (calling {@code answered(tag)}); the tag must be unique to the
   * request (the create's prompt carries one).
   */
  private static final String TIMING = """
      local ffi = require("ffi")
      ffi.cdef[[
      typedef struct { long tv_sec; long tv_nsec; } walt_timespec;
      int clock_gettime(int clk, walt_timespec *ts);
      ]]
      local ts = ffi.new("walt_timespec")
      local function now_ms()
        ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
        return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
      end
      local threads = {}
      function setup(thread)
        thread:set("tid", #threads + 1)
        table.insert(threads, thread)
      end
      local pending = {} -- tag -> send time
      timed = {} -- latency in tenths of a millisecond -> responses
      function sent(tag)
        pending[tag] = now_ms()
      end
      function answered(tag)
        local start = tag and pending[tag]
        if start then
          local k = math.floor((now_ms() - start) * 10)
          timed[k] = (timed[k] or 0) + 1
          pending[tag] = nil
        end
      end
      function done(summary, latency, requests)
        local all, keys, total = {}, {}, 0
        for _, t in ipairs(threads) do
          for k, c in pairs(t:get("timed")) do
            if all[k] == nil then table.insert(keys, k); all[k] = 0 end
            all[k] = all[k] + c
            total = total + c
          end
        end
        table.sort(keys)
        local function at(p)
          local rank, seen = math.max(1, math.ceil(p / 100 * total)), 0
          for _, k in ipairs(keys) do
            seen = seen + all[k]
            if seen >= rank then return k / 10 end
          end
          return 0 / 0
        end
        io.write(string.format("timed: %d responses, p50 %.1f ms, p99 %.1f ms, max %.1f ms\\n", total, at(50), at(99),
          total > 0 and keys[#keys] / 10 or 0 / 0))
      end
      """;

  /** Lua for wrk: POST /v1/videos with a distinct prompt per request, each timed by its tag in the prompt. */
  static Path createScript(String key) throws IOException {
    return script(TIMING + """
        local n = 0
        function request()
          n = n + 1
          local tag = tid .. "x" .. n
          local body = '{"prompt":"a red ball bouncing ' .. tag .. '","frames":17,"steps":1,"size":"128x128"}'
          local r = wrk.format("POST", "/v1/videos",
            {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}, body)
          sent(tag)
          return r
        end
        function response(status, headers, body)
          answered(body:match("bouncing (%%d+x%%d+)"))
        end
        """.formatted(key));
  }

  /**
   * Lua for wrk: GET /v1/videos/{id} over the given ids, picked at random. Not timed by the script: a read
   * carries no tag of its own, and matching responses to requests by the id they return (tried) produced
   * latencies of seconds that wrk's own maximum (118 ms) showed were pairings of a response with an earlier
   * request; its rows give wrk's own percentiles.
   */
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

  /**
   * What wrk reported for one phase: the percentiles of the requests as timed by the script when it times
   * them ({@code timed}, else wrk's own), and wrk's own p99 (corrected for coordinated omission).
   */
  record Result(String name, int connections, double rate, double p50, double p99, double max, long answered,
      long not2xx, String socketErrors, long timed, double wrkP99) {

    /** The table row, with {@code extra} cells (CPU accounting) at its end when not empty. */
    String row(String extra) {
      return String.format(Locale.ROOT, "| %s (wrk) | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d answered%s, %d not 2xx, socket errors: %s |%s",
          name, connections, rate, p50, p99, max, wrkP99, answered, timed > 0 ? " (" + timed + " timed)" : "", not2xx,
          socketErrors, extra.isEmpty() ? "" : " " + extra + " |");
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
    double wrkP99 = percentile(out, "99%");
    Matcher timed = TIMED.matcher(out);
    boolean byScript = timed.find() && Long.parseLong(timed.group(1)) > 0;
    return new Result(name, connections, Double.parseDouble(find(RATE, out, "0")),
        byScript ? Double.parseDouble(timed.group(2)) : percentile(out, "50%"),
        byScript ? Double.parseDouble(timed.group(3)) : wrkP99,
        byScript ? Double.parseDouble(timed.group(4)) : max(out), Long.parseLong(find(TOTAL, out, "0")),
        Long.parseLong(find(NON_2XX, out, "0")), find(ERRORS, out, "none"),
        byScript ? Long.parseLong(timed.group(1)) : 0, wrkP99);
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
