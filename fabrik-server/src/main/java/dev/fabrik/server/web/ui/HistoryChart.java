package dev.fabrik.server.web.ui;

import dev.fabrik.server.history.HistoryPoint;
import dev.fabrik.server.history.HistoryRange;
import dev.fabrik.server.history.HistorySeries;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The dashboard's history graph, drawn on the server as SVG (no script needed, and nothing to
 * fetch, so it draws however the page was opened): processed and failed per point as lines over a
 * lightly filled area, on a plot {@value #WIDTH} × {@value #HEIGHT} user units that the browser
 * stretches to the panel's width (strokes keep their width: {@code vector-effect}).
 */
public record HistoryChart(HistorySeries series) {
  public static final int WIDTH = 1000;
  public static final int HEIGHT = 200;

  /** Every range, for the buttons. */
  public List<HistoryRange> ranges() {
    return List.of(HistoryRange.values());
  }

  public HistoryRange range() {
    return series.range();
  }

  /** The top of the y axis: four steps of 1, 2 or 5 times a power of ten (at least 4). */
  public long yMax() {
    double step = Math.max(series.peak() / 4.0, 1);
    double p = Math.pow(10, Math.floor(Math.log10(step)));
    double m = step / p;
    double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
    return Math.round(4 * nice * p);
  }

  /** The y of the horizontal grid lines (a quarter of the axis apart). */
  public List<Integer> gridLines() {
    return List.of(0, HEIGHT / 4, HEIGHT / 2, 3 * HEIGHT / 4);
  }

  /** SVG {@code points} of the processed line. */
  public String processedLine() {
    return line(HistoryPoint::processed);
  }

  public String failedLine() {
    return line(HistoryPoint::failed);
  }

  /** The processed line closed along the bottom: the area under it. */
  public String processedArea() {
    return area(HistoryPoint::processed);
  }

  public String failedArea() {
    return area(HistoryPoint::failed);
  }

  /** "jobs per minute", "jobs per 10 minutes", "jobs per hour", "jobs per day". */
  public String unit() {
    long s = series.stepSeconds();
    if (s >= 86_400) {
      return "jobs per day";
    }
    if (s >= 3_600) {
      return "jobs per hour";
    }
    return s == 60 ? "jobs per minute" : "jobs per " + s / 60 + " minutes";
  }

  public Instant from() {
    return series.points().getFirst().start();
  }

  public Instant to() {
    return series.points().getLast().start().plusSeconds(series.stepSeconds());
  }

  public long processed() {
    return series.totalProcessed();
  }

  public long failed() {
    return series.totalFailed();
  }

  private String line(ToLongFunction<HistoryPoint> value) {
    List<HistoryPoint> points = series.points();
    long max = yMax();
    StringBuilder s = new StringBuilder(points.size() * 12);
    for (int i = 0; i < points.size(); i++) {
      if (i > 0) {
        s.append(' ');
      }
      s.append(coordinate(x(i, points.size())))
          .append(',')
          .append(
              coordinate(
                  HEIGHT
                      - (double) Math.min(value.applyAsLong(points.get(i)), max) / max * HEIGHT));
    }
    return s.toString();
  }

  private String area(ToLongFunction<HistoryPoint> value) {
    return line(value) + " " + WIDTH + "," + HEIGHT + " 0," + HEIGHT;
  }

  private static double x(int i, int n) {
    return n == 1 ? WIDTH : (double) i / (n - 1) * WIDTH;
  }

  private static String coordinate(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
