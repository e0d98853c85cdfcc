package org.ultrachat.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * What a run shows its reader: a summary table for the terminal, a JSON file with everything
 * (the full histograms included, so runs can be re-analysed), and one self-contained HTML page
 * with the tables and charts ({@link HtmlReport}). Latencies come in microseconds and are shown in
 * milliseconds.
 */
final class Report {
  /** Percentiles of the summary tables, with their column headings. */
  static final double[] TABLE_PERCENTILES = {50, 95, 99, 99.9};
  static final String[] TABLE_PERCENTILE_NAMES = {"p50", "p95", "p99", "p99.9"};

  private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private Report() {
  }

  // ---- terminal

  static String table(RunResult r) {
    StringBuilder out = new StringBuilder();
    out.append("UltraChat bench: ").append(plain(r.workload())).append(" -> ").append(plain(r.target())).append('\n');
    out.append("started ").append(r.startedAt()).append(", ").append(String.format(Locale.ROOT, "%.1f", r.seconds()))
        .append(" s\n");
    if (!parameters(r).isEmpty()) {
      Columns params = new Columns("parameter", "<value");
      parameters(r).forEach((name, value) -> params.row(name, value));
      out.append('\n').append(params);
    }

    Columns counters = new Columns("counter", "total", "per second");
    counters(r).forEach((name, total) -> counters.row(name, Long.toString(total), rate(total, r.seconds())));
    out.append('\n').append(counters);

    List<String> heads = new ArrayList<>(List.of("latency (ms)", "count"));
    heads.addAll(List.of(TABLE_PERCENTILE_NAMES));
    heads.add("max");
    Columns latencies = new Columns(heads.toArray(String[]::new));
    latencies(r).forEach((name, h) -> latencies.row(latencyRow(name, h).toArray(String[]::new)));
    out.append('\n').append(latencies);

    if (!resources(r).isEmpty()) {
      Columns resources = new Columns("resource", "value");
      resources(r).forEach((name, value) -> resources.row(name, resource(name, value)));
      out.append('\n').append(resources);
    }

    out.append('\n');
    if (findings(r).isEmpty()) {
      out.append("findings: none\n");
    } else {
      out.append("findings:\n");
      findings(r).forEach(f -> out.append("  - ").append(plain(f)).append('\n'));
    }
    return out.toString();
  }

  /** A latency table row: name, count, the table percentiles and the max, in milliseconds. */
  static List<String> latencyRow(String name, Histogram h) {
    List<String> row = new ArrayList<>(List.of(name, Long.toString(h.getTotalCount())));
    for (double p : TABLE_PERCENTILES) {
      row.add(h.getTotalCount() == 0 ? "-" : ms(h.getValueAtPercentile(p)));
    }
    row.add(h.getTotalCount() == 0 ? "-" : ms(h.getMaxValue()));
    return row;
  }

  // ---- JSON

  static JsonObject json(RunResult r) {
    JsonObject params = new JsonObject();
    parameters(r).forEach(params::put);
    JsonObject counters = new JsonObject();
    JsonObject rates = new JsonObject();
    counters(r).forEach((name, total) -> {
      counters.put(name, total);
      rates.put(name, finite(r.seconds() > 0 ? total / r.seconds() : Double.NaN));
    });
    JsonObject latencies = new JsonObject();
    latencies(r).forEach((name, h) -> latencies.put(name, new JsonObject()
        .put("count", h.getTotalCount())
        .put("mean", finite(h.getTotalCount() == 0 ? Double.NaN : h.getMean() / 1000.0))
        .put("p50", percentile(h, 50))
        .put("p90", percentile(h, 90))
        .put("p95", percentile(h, 95))
        .put("p99", percentile(h, 99))
        .put("p999", percentile(h, 99.9))
        .put("max", h.getTotalCount() == 0 ? null : h.getMaxValue() / 1000.0)
        .put("histogram", Meter.encode(h))));
    JsonArray timeline = new JsonArray();
    for (RunResult.Second second : timeline(r)) {
      JsonObject counts = new JsonObject();
      orEmpty(second.counts()).forEach(counts::put);
      JsonObject perLatency = new JsonObject();
      orEmpty(second.latencies()).forEach((name, h) -> perLatency.put(name, new JsonObject()
          .put("count", h.getTotalCount())
          .put("p50", percentile(h, 50))
          .put("p95", percentile(h, 95))
          .put("p99", percentile(h, 99))
          .put("max", h.getTotalCount() == 0 ? null : h.getMaxValue() / 1000.0)));
      timeline.add(new JsonObject().put("epochSecond", second.epochSecond()).put("counts", counts)
          .put("latencies", perLatency));
    }
    JsonObject resources = new JsonObject();
    resources(r).forEach((name, value) -> resources.put(name, value == null ? null : finite(value)));
    return new JsonObject()
        .put("workload", r.workload())
        .put("target", r.target())
        .put("startedAt", r.startedAt() == null ? null : r.startedAt().toString())
        .put("seconds", finite(r.seconds()))
        .put("parameters", params)
        .put("counters", counters)
        .put("rates", rates)
        .put("latencies", latencies)
        .put("timeline", timeline)
        .put("resources", resources)
        .put("findings", new JsonArray(new ArrayList<>(findings(r))));
  }

  // ---- HTML and files

  static String html(RunResult r) {
    return HtmlReport.page(r);
  }

  /**
   * Writes {@code <workload>-<yyyyMMdd-HHmmss>.json} and {@code .html} (start time in UTC; a
   * workload name is reduced to letters, digits, dot, dash and underscore) into {@code dir}.
   *
   * @return the HTML file
   * @throws UncheckedIOException when a file cannot be written
   */
  static Path write(RunResult r, Path dir) {
    String stem = fileName(r.workload()) + "-" + FILE_TIME.format(r.startedAt() == null ? Instant.now() : r.startedAt());
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(stem + ".json"), json(r).encodePrettily() + "\n", StandardCharsets.UTF_8);
      Path html = dir.resolve(stem + ".html");
      Files.writeString(html, html(r), StandardCharsets.UTF_8);
      return html;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + dir, e);
    }
  }

  static String fileName(String workload) {
    String name = workload == null ? "" : workload.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[.]+", "");
    name = name.length() > 80 ? name.substring(0, 80) : name;
    return name.isEmpty() ? "run" : name;
  }

  // ---- numbers

  /** @return microseconds as milliseconds to 3 significant digits, e.g. {@code 990}, {@code 1.25}, {@code 1000} */
  static String ms(double micros) {
    return significant(micros / 1000.0);
  }

  static String significant(double value) {
    if (!Double.isFinite(value)) {
      return "-";
    }
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(value).round(new MathContext(3)).toPlainString();
  }

  /** @return count per second to one decimal */
  static String rate(long count, double seconds) {
    return seconds > 0 ? String.format(Locale.ROOT, "%.1f", count / seconds) : "-";
  }

  /** A resource figure: whole numbers as they are, others to 3 significant digits; byte counts also in KiB/MiB/GiB. */
  static String resource(String name, Double value) {
    if (value == null || !Double.isFinite(value)) {
      return "-";
    }
    String shown = value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString(value.longValue()) : significant(value);
    if (name.contains("bytes") && Math.abs(value) >= 1024) {
      String[] units = {"KiB", "MiB", "GiB", "TiB"};
      double scaled = value;
      int unit = -1;
      while (Math.abs(scaled) >= 1024 && unit < units.length - 1) {
        scaled /= 1024;
        unit++;
      }
      shown += " (" + significant(scaled) + " " + units[unit] + ")";
    }
    return shown;
  }

  private static Double percentile(Histogram h, double p) {
    return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(p) / 1000.0;
  }

  /** JSON has no NaN nor infinity: those become null. */
  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  /** Text for a terminal: control characters (escape sequences, line breaks) shown as '?'. */
  static String plain(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }

  // ---- the parts of a result, never null; maps keep their order

  static Map<String, String> parameters(RunResult r) {
    return orEmpty(r.parameters());
  }

  static Map<String, Long> counters(RunResult r) {
    return orEmpty(r.counters());
  }

  static Map<String, Histogram> latencies(RunResult r) {
    return orEmpty(r.latencies());
  }

  static Map<String, Double> resources(RunResult r) {
    return orEmpty(r.resources());
  }

  static List<String> findings(RunResult r) {
    return r.findings() == null ? List.of() : r.findings();
  }

  /** @return the seconds of the run in time order */
  static List<RunResult.Second> timeline(RunResult r) {
    List<RunResult.Second> seconds = new ArrayList<>(r.timeline() == null ? List.of() : r.timeline());
    seconds.sort(Comparator.comparingLong(RunResult.Second::epochSecond));
    return seconds;
  }

  /** @return the counter names of the totals, then any that only the timeline has */
  static Set<String> counterNames(RunResult r) {
    Set<String> names = new LinkedHashSet<>(counters(r).keySet());
    timeline(r).forEach(s -> names.addAll(orEmpty(s.counts()).keySet()));
    return names;
  }

  /** @return the latency names of the totals, then any that only the timeline has */
  static Set<String> latencyNames(RunResult r) {
    Set<String> names = new LinkedHashSet<>(latencies(r).keySet());
    timeline(r).forEach(s -> names.addAll(orEmpty(s.latencies()).keySet()));
    return names;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  /** A plain-text table: columns as wide as their widest cell, numbers right-aligned, text ('<' heading) left. */
  private static final class Columns {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] left;

    Columns(String... heads) {
      left = new boolean[heads.length];
      String[] row = new String[heads.length];
      for (int i = 0; i < heads.length; i++) {
        left[i] = i == 0 || heads[i].startsWith("<");
        row[i] = heads[i].startsWith("<") ? heads[i].substring(1) : heads[i];
      }
      rows.add(row);
    }

    void row(String... cells) {
      String[] row = new String[left.length];
      for (int i = 0; i < row.length; i++) {
        row[i] = i < cells.length ? plain(cells[i]) : "";
      }
      rows.add(row);
    }

    @Override
    public String toString() {
      int[] widths = new int[left.length];
      rows.forEach(row -> {
        for (int i = 0; i < row.length; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      });
      StringBuilder out = new StringBuilder();
      for (int n = 0; n < rows.size(); n++) {
        String[] row = rows.get(n);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
          String cell = row[i];
          String pad = " ".repeat(widths[i] - cell.length());
          line.append(i == 0 ? "" : "  ").append(left[i] ? cell + pad : pad + cell);
        }
        out.append(line.toString().stripTrailing()).append('\n');
        if (n == 0) {
          int total = 0;
          for (int w : widths) {
            total += w;
          }
          out.append("-".repeat(total + 2 * (widths.length - 1))).append('\n');
        }
      }
      return out.toString();
    }
  }
}
