package org.ultrachat.bench;

import static org.ultrachat.bench.Html.escape;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The HTML page of a run: one file with inline CSS and inline SVG, no script, and a
 * Content-Security-Policy that allows only its own style sheet, by hash (so a name that slipped
 * through escaping could neither run a script nor load anything).
 * Charts: throughput per counter per second; per latency, p50/p95/p99 per second and the percentile
 * distribution of the whole run.
 */
final class HtmlReport {
  /** Percentiles on the distribution chart's x axis, drawn at -log10(1 - p): 0, 90, 99, 99.9, 99.99 evenly apart. */
  private static final double DISTRIBUTION_NINES = 4;

  private static final String CSS = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0;background:#fff}
      main{max-width:900px;margin:0 auto;padding:16px}
      h1{font-size:22px;margin:8px 0}
      h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}
      .meta{color:#555;margin:0}
      table{border-collapse:collapse;margin:4px 0}
      th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
      th{background:#f5f5f5}
      .num{text-align:right;font-variant-numeric:tabular-nums}
      td{overflow-wrap:anywhere}
      ul.findings li{margin:3px 0}
      svg.chart{display:block;width:100%;max-width:880px;height:auto;margin:6px 0 14px}
      svg text{font:11px system-ui,sans-serif;fill:#333}
      svg text.title{font-size:14px;font-weight:600;fill:#222}
      svg text.label{font-size:12px}
      svg .axis{stroke:#444;fill:none}
      svg .grid{stroke:#e6e6e6}
      svg .line{fill:none;stroke-width:1.8;stroke-linejoin:round;stroke-linecap:round}
      """;

  /** The Content-Security-Policy of the page: nothing but this very style sheet. */
  static final String POLICY = "default-src 'none'; style-src '" + sha256(CSS) + "'";

  private HtmlReport() {
  }

  static String page(RunResult r) {
    StringBuilder out = new StringBuilder();
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(POLICY).append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>UltraChat bench: ").append(escape(r.workload())).append("</title>\n")
        .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
    out.append("<h1>UltraChat bench: ").append(escape(r.workload())).append("</h1>\n");
    out.append("<p class=\"meta\">target ").append(escape(r.target())).append(" &middot; started ")
        .append(escape(String.valueOf(r.startedAt()))).append(" &middot; ")
        .append(String.format(Locale.ROOT, "%.1f", r.seconds())).append(" s</p>\n");

    out.append("<h2>Findings</h2>\n");
    if (Report.findings(r).isEmpty()) {
      out.append("<p>None.</p>\n");
    } else {
      out.append("<ul class=\"findings\">\n");
      Report.findings(r).forEach(f -> out.append("<li>").append(escape(f)).append("</li>\n"));
      out.append("</ul>\n");
    }

    if (!Report.parameters(r).isEmpty()) {
      out.append("<h2>Parameters</h2>\n<table>\n<tr><th>parameter</th><th>value</th></tr>\n");
      Report.parameters(r).forEach((name, value) ->
          out.append("<tr><td>").append(escape(name)).append("</td><td>").append(escape(value)).append("</td></tr>\n"));
      out.append("</table>\n");
    }

    out.append("<h2>Counters</h2>\n<table>\n<tr><th>counter</th><th class=\"num\">total</th><th class=\"num\">per second</th></tr>\n");
    Report.counters(r).forEach((name, total) -> out.append("<tr><td>").append(escape(name)).append("</td>")
        .append(num(Long.toString(total))).append(num(Report.rate(total, r.seconds()))).append("</tr>\n"));
    out.append("</table>\n");

    out.append("<h2>Latency (ms, from the intended send time)</h2>\n<table>\n<tr><th>latency</th><th class=\"num\">count</th>");
    for (String p : Report.TABLE_PERCENTILE_NAMES) {
      out.append("<th class=\"num\">").append(p).append("</th>");
    }
    out.append("<th class=\"num\">max</th></tr>\n");
    Report.latencies(r).forEach((name, h) -> {
      List<String> row = Report.latencyRow(name, h);
      out.append("<tr><td>").append(escape(row.get(0))).append("</td>");
      row.subList(1, row.size()).forEach(cell -> out.append(num(cell)));
      out.append("</tr>\n");
    });
    out.append("</table>\n");

    if (!Report.resources(r).isEmpty()) {
      out.append("<h2>Resources</h2>\n<table>\n<tr><th>resource</th><th class=\"num\">value</th></tr>\n");
      Report.resources(r).forEach((name, value) -> out.append("<tr><td>").append(escape(name)).append("</td>")
          .append(num(Report.resource(name, value))).append("</tr>\n"));
      out.append("</table>\n");
    }

    out.append("<h2>Throughput over time</h2>\n").append(throughput(r));
    for (String name : Report.latencyNames(r)) {
      out.append("<h2>Latency over time: ").append(escape(name)).append("</h2>\n").append(latencyOverTime(r, name));
      out.append("<h2>Latency distribution: ").append(escape(name)).append("</h2>\n").append(distribution(r, name));
    }
    out.append("</main>\n</body>\n</html>\n");
    return out.toString();
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static String num(String text) {
    return "<td class=\"num\">" + escape(text) + "</td>";
  }

  /** One line per counter: its count in each second. */
  static String throughput(RunResult r) {
    List<RunResult.Second> seconds = Report.timeline(r);
    SvgChart chart = new SvgChart("Throughput over time", "seconds since start", "per second");
    double[] xs = secondsSinceStart(seconds);
    for (String name : Report.counterNames(r)) {
      double[] ys = new double[seconds.size()];
      for (int i = 0; i < ys.length; i++) {
        Map<String, Long> counts = seconds.get(i).counts();
        ys[i] = counts == null ? 0 : counts.getOrDefault(name, 0L);
      }
      chart.line(name, xs, ys);
    }
    return chart.svg();
  }

  /** p50, p95 and p99 of each second's interval histogram; a second without samples is a gap. */
  static String latencyOverTime(RunResult r, String name) {
    List<RunResult.Second> seconds = Report.timeline(r);
    SvgChart chart = new SvgChart("Latency over time: " + name, "seconds since start", "ms");
    double[] xs = secondsSinceStart(seconds);
    for (double p : new double[] {50, 95, 99}) {
      double[] ys = new double[seconds.size()];
      for (int i = 0; i < ys.length; i++) {
        Histogram h = seconds.get(i).latencies() == null ? null : seconds.get(i).latencies().get(name);
        ys[i] = h == null || h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1000.0;
      }
      chart.line("p" + Report.significant(p), xs, ys);
    }
    return chart.svg();
  }

  /** The run's latency at each percentile, the x axis stretched so that each further nine gets the same width. */
  static String distribution(RunResult r, String name) {
    Histogram h = Report.latencies(r).get(name);
    SvgChart chart = new SvgChart("Latency by percentile: " + name, "percentile", "ms");
    List<SvgChart.Tick> ticks = new ArrayList<>();
    String[] labels = {"0", "90", "99", "99.9", "99.99"};
    for (int nines = 0; nines <= DISTRIBUTION_NINES; nines++) {
      ticks.add(new SvgChart.Tick(nines, labels[nines]));
    }
    int steps = 80;
    double[] xs = new double[steps + 1];
    double[] ys = new double[steps + 1];
    for (int i = 0; i <= steps; i++) {
      xs[i] = DISTRIBUTION_NINES * i / steps;
      double percentile = 100 * (1 - Math.pow(10, -xs[i]));
      ys[i] = h == null || h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }
    return chart.xTicks(ticks).line(name, xs, ys).svg();
  }

  private static double[] secondsSinceStart(List<RunResult.Second> seconds) {
    double[] xs = new double[seconds.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = seconds.get(i).epochSecond() - seconds.get(0).epochSecond();
    }
    return xs;
  }
}
