package dev.walt.training;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The loss history of a run: {@code loss.csv} and a plot {@code loss.png} (Java2D). */
public final class LossLog {

  /** The CSV header. */
  public static final String HEADER = "step,loss,smoothed_loss,learning_rate,grad_norm,seconds";

  /** One row: step is 1-based (the number of updates done). */
  public record Row(long step, double loss, double smoothedLoss, double learningRate, double gradNorm, double seconds) {
    String csv() {
      return String.format(Locale.ROOT, "%d,%.6g,%.6g,%.6g,%.6g,%.3f", step, loss, smoothedLoss, learningRate, gradNorm,
          seconds);
    }
  }

  private final Path csv;
  private final List<Row> rows = new ArrayList<>();

  /** Reads {@code dir/loss.csv} when present, keeping rows up to {@code upToStep}. */
  public LossLog(Path dir, long upToStep) throws IOException {
    this.csv = dir.resolve("loss.csv");
    if (Files.isRegularFile(csv)) {
      for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.startsWith("step")) {
          continue;
        }
        String[] f = line.split(",");
        Row row = new Row(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
            Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]));
        if (row.step() <= upToStep) {
          rows.add(row);
        }
      }
    }
  }

  public void add(Row row) {
    rows.add(row);
  }

  public List<Row> rows() {
    return rows;
  }

  /** Writes loss.csv and loss.png. */
  public void write() throws IOException {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    for (Row r : rows) {
      text.append(r.csv()).append('\n');
    }
    Path tmp = csv.resolveSibling("loss.csv.tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ImageIO.write(plot(rows, 900, 420), "png", csv.resolveSibling("loss.png").toFile());
  }

  /** The loss (grey) and smoothed loss (blue) against steps, log-scale loss axis. */
  static BufferedImage plot(List<Row> rows, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    int left = 70;
    int right = 20;
    int top = 20;
    int bottom = 40;
    int pw = width - left - right;
    int ph = height - top - bottom;
    g.setColor(Color.BLACK);
    g.drawRect(left, top, pw, ph);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    if (rows.isEmpty()) {
      g.dispose();
      return image;
    }
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (Row r : rows) {
      if (r.loss() > 0 && Double.isFinite(r.loss())) {
        lo = Math.min(lo, Math.log10(r.loss()));
        hi = Math.max(hi, Math.log10(r.loss()));
      }
    }
    if (lo > hi) {
      lo = -1;
      hi = 1;
    }
    if (hi - lo < 1e-6) {
      hi = lo + 1;
    }
    long first = rows.get(0).step();
    long last = Math.max(first + 1, rows.get(rows.size() - 1).step());
    for (int k = 0; k <= 4; k++) {
      double value = lo + (hi - lo) * k / 4;
      int y = top + ph - (int) Math.round(ph * (value - lo) / (hi - lo));
      g.setColor(new Color(230, 230, 230));
      g.drawLine(left + 1, y, left + pw - 1, y);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, value)), 5, y + 4);
      long step = first + (last - first) * k / 4;
      int x = left + (int) Math.round(pw * (double) (step - first) / (last - first));
      g.drawString(Long.toString(step), x - 10, top + ph + 18);
    }
    g.drawString("step", left + pw / 2 - 10, height - 5);
    for (int series = 0; series < 2; series++) {
      Path2D.Double path = new Path2D.Double();
      boolean started = false;
      for (Row r : rows) {
        double v = series == 0 ? r.loss() : r.smoothedLoss();
        if (!(v > 0) || !Double.isFinite(v)) {
          continue;
        }
        double x = left + pw * (double) (r.step() - first) / (last - first);
        double y = top + ph - ph * (Math.log10(v) - lo) / (hi - lo);
        if (started) {
          path.lineTo(x, y);
        } else {
          path.moveTo(x, y);
          started = true;
        }
      }
      g.setColor(series == 0 ? new Color(180, 180, 180) : new Color(30, 90, 200));
      g.setStroke(new BasicStroke(series == 0 ? 1f : 2f));
      g.draw(path);
    }
    g.dispose();
    return image;
  }
}
