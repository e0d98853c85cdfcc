package org.ultrachat.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn as inline SVG, with no script and no style attribute (so a strict
 * Content-Security-Policy page can show it): axes with ticks at 1-2-5 steps, a light grid, one
 * line per series, a legend below. A NaN value leaves a gap in its line. The y axis starts at 0.
 * Every text that goes in is escaped.
 */
final class SvgChart {
  static final int WIDTH = 880;
  private static final int LEFT = 70, RIGHT = 20, TOP = 34, PLOT_HEIGHT = 230;
  private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
  /** Okabe-Ito colours, told apart also by colour-blind readers; past eight, lines are dashed. */
  private static final String[] COLOURS =
      {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"};

  /** An x tick at a value, labelled as given (for scales that are not linear in what they show). */
  record Tick(double value, String label) {
  }

  private record Series(String name, double[] xs, double[] ys) {
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private List<Tick> fixedXTicks;

  SvgChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** Adds a line through (xs[i], ys[i]); a NaN y leaves a gap. */
  SvgChart line(String name, double[] xs, double[] ys) {
    if (xs.length != ys.length) {
      throw new IllegalArgumentException("xs and ys differ in length: " + xs.length + " vs " + ys.length);
    }
    series.add(new Series(name, xs.clone(), ys.clone()));
    return this;
  }

  /** Uses these x ticks, and the range from the first to the last, instead of ticks fitted to the data. */
  SvgChart xTicks(List<Tick> ticks) {
    if (ticks.size() < 2) {
      throw new IllegalArgumentException("need at least two x ticks");
    }
    this.fixedXTicks = List.copyOf(ticks);
    return this;
  }

  String svg() {
    double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY, yMax = 0;
    boolean any = false;
    for (Series s : series) {
      for (int i = 0; i < s.xs.length; i++) {
        if (Double.isFinite(s.xs[i]) && Double.isFinite(s.ys[i])) {
          any = true;
          xMin = Math.min(xMin, s.xs[i]);
          xMax = Math.max(xMax, s.xs[i]);
          yMax = Math.max(yMax, s.ys[i]);
        }
      }
    }
    List<Tick> xTicks;
    if (fixedXTicks != null) {
      xTicks = fixedXTicks;
      xMin = xTicks.get(0).value();
      xMax = xTicks.get(xTicks.size() - 1).value();
    } else {
      if (!any) {
        xMin = 0;
        xMax = 1;
      } else if (xMax == xMin) {
        xMax = xMin + 1;
      }
      xTicks = ticks(xMin, xMax, 10, false);
    }
    List<Tick> yTicks = ticks(0, yMax > 0 ? yMax : 1, 5, true);
    double yTop = yTicks.get(yTicks.size() - 1).value();
    Scale sx = new Scale(xMin, xMax, LEFT, LEFT + PLOT_WIDTH);
    Scale sy = new Scale(0, yTop, TOP + PLOT_HEIGHT, TOP);

    StringBuilder lines = new StringBuilder();
    StringBuilder legend = new StringBuilder();
    // The legend flows in rows under the x-axis label.
    int legendTop = TOP + PLOT_HEIGHT + 58, x = LEFT, row = 0;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      String stroke = "stroke=\"" + COLOURS[i % COLOURS.length] + "\"" + (i >= COLOURS.length ? " stroke-dasharray=\"6 3\"" : "");
      lines.append("<path class=\"line\" ").append(stroke).append(" d=\"").append(path(s, sx, sy))
          .append("\"><title>").append(Html.escape(s.name)).append("</title></path>\n");
      int width = 34 + 7 * s.name.length();
      if (x > LEFT && x + width > WIDTH - RIGHT) {
        x = LEFT;
        row++;
      }
      int y = legendTop + row * 18;
      legend.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-width=\"3\" ",
          x, y - 4, x + 22, y - 4)).append(stroke).append("/>");
      legend.append(text(x + 28, y, "legend", "start", s.name));
      x += width;
    }
    int height = legendTop + (series.isEmpty() ? 0 : row * 18 + 10);

    StringBuilder out = new StringBuilder();
    out.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
        .append("\" role=\"img\">\n<title>").append(Html.escape(title)).append("</title>\n");
    out.append(text(LEFT, 20, "title", "start", title));
    for (Tick t : yTicks) {
      double y = sy.at(t.value());
      out.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>%n",
          LEFT, y, LEFT + PLOT_WIDTH, y));
      out.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>%n",
          LEFT - 5, y, LEFT, y));
      out.append(text(LEFT - 8, y + 4, "tick", "end", t.label()));
    }
    for (Tick t : xTicks) {
      double xAt = sx.at(t.value());
      out.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>%n",
          xAt, TOP + PLOT_HEIGHT, xAt, TOP + PLOT_HEIGHT + 5));
      out.append(text(xAt, TOP + PLOT_HEIGHT + 19, "tick", "middle", t.label()));
    }
    out.append(String.format(Locale.ROOT, "<path class=\"axis\" d=\"M%d %dV%dH%d\"/>%n",
        LEFT, TOP, TOP + PLOT_HEIGHT, LEFT + PLOT_WIDTH));
    out.append(text(LEFT + PLOT_WIDTH / 2.0, TOP + PLOT_HEIGHT + 38, "label", "middle", xLabel));
    out.append(String.format(Locale.ROOT, "<text class=\"label\" text-anchor=\"middle\" transform=\"translate(16 %d) rotate(-90)\">%s</text>%n",
        TOP + PLOT_HEIGHT / 2, Html.escape(yLabel)));
    if (!any) {
      out.append(text(LEFT + PLOT_WIDTH / 2.0, TOP + PLOT_HEIGHT / 2.0, "label", "middle", "no data"));
    }
    out.append(lines).append(legend).append("</svg>\n");
    return out.toString();
  }

  /** Path data for a series: a new subpath after each gap; a lone point is drawn as a dot (round caps). */
  private static String path(Series s, Scale sx, Scale sy) {
    StringBuilder d = new StringBuilder();
    boolean inSegment = false;
    for (int i = 0; i < s.xs.length; i++) {
      if (!Double.isFinite(s.xs[i]) || !Double.isFinite(s.ys[i])) {
        inSegment = false;
        continue;
      }
      boolean alone = !inSegment && (i + 1 >= s.xs.length || !Double.isFinite(s.ys[i + 1]));
      d.append(inSegment ? 'L' : 'M')
          .append(String.format(Locale.ROOT, "%.1f %.1f", sx.at(s.xs[i]), sy.at(s.ys[i])))
          .append(alone ? "h0" : "");
      inSegment = true;
    }
    return d.toString();
  }

  private static String text(double x, double y, String cssClass, String anchor, String content) {
    return String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n",
        cssClass, x, y, anchor, Html.escape(content));
  }

  private record Scale(double from, double to, double pixelFrom, double pixelTo) {
    double at(double value) {
      return pixelFrom + (value - from) / (to - from) * (pixelTo - pixelFrom);
    }
  }

  // ---- ticks

  /**
   * A step of 1, 2 or 5 times a power of ten that cuts {@code span} into about {@code target}
   * parts: the raw step rounded to the nearest of those (not up, so an axis does not grow by half).
   */
  static double niceStep(double span, int target) {
    if (!(span > 0) || !Double.isFinite(span) || target < 1) {
      return 1;
    }
    double raw = span / target;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double fraction = raw / magnitude;
    double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
    return nice * magnitude;
  }

  /**
   * Ticks at multiples of a nice step: within [from, to], or, when {@code cover}, from the last
   * multiple at or below {@code from} to the first at or above {@code to} (for an axis that ends on a tick).
   */
  static List<Tick> ticks(double from, double to, int target, boolean cover) {
    double step = niceStep(to - from, target);
    long first = (long) (cover ? Math.floor(from / step + 1e-9) : Math.ceil(from / step - 1e-9));
    long last = (long) (cover ? Math.ceil(to / step - 1e-9) : Math.floor(to / step + 1e-9));
    int decimals = Math.max(0, BigDecimal.valueOf(step).stripTrailingZeros().scale());
    List<Tick> ticks = new ArrayList<>();
    for (long k = first; k <= last; k++) {
      double value = k * step;
      ticks.add(new Tick(value, String.format(Locale.ROOT, "%." + decimals + "f", value)));
    }
    return ticks;
  }
}
