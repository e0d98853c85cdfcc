package org.ultrachat.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static final String SCRIPT = "<script>alert('x')</script>";
  private static final String SCRIPT_ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;";

  /**
   * Five seconds: {@code ack} takes 1..1000 ms (200 values a second), {@code deliver} 1..100 ms
   * (20 a second); 5000 sent, 4990 acked, 10 errors.
   */
  private static RunResult run(String workload) {
    Histogram ack = new Histogram(Meter.MAX_MICROS, 3);
    Histogram deliver = new Histogram(Meter.MAX_MICROS, 3);
    List<RunResult.Second> timeline = new ArrayList<>();
    long start = 1_700_000_000L;
    for (int s = 0; s < 5; s++) {
      Histogram ackSecond = new Histogram(Meter.MAX_MICROS, 3);
      for (int ms = s * 200 + 1; ms <= (s + 1) * 200; ms++) {
        ackSecond.recordValue(ms * 1000L);
      }
      Histogram deliverSecond = new Histogram(Meter.MAX_MICROS, 3);
      for (int ms = s * 20 + 1; ms <= (s + 1) * 20; ms++) {
        deliverSecond.recordValue(ms * 1000L);
      }
      ack.add(ackSecond);
      deliver.add(deliverSecond);
      timeline.add(new RunResult.Second(start + s, new TreeMap<>(Map.of("sent", 1000L, "acked", 998L, "errors", 2L)),
          new TreeMap<>(Map.of("ack", ackSecond, "deliver", deliverSecond))));
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("rate", "1000");
    parameters.put("note", SCRIPT);
    Map<String, Long> counters = new LinkedHashMap<>();
    counters.put("sent", 5000L);
    counters.put("acked", 4990L);
    counters.put("errors", 10L);
    Map<String, Histogram> latencies = new LinkedHashMap<>();
    latencies.put("ack", ack);
    latencies.put("deliver", deliver);
    Map<String, Double> resources = new LinkedHashMap<>();
    resources.put("server_cpu_percent", 45.25);
    resources.put("server_rss_bytes", 536_870_912.0);
    return new RunResult(workload, "http://localhost:8080", Instant.parse("2024-03-05T07:08:09Z"), 5.0, parameters,
        counters, latencies, timeline, resources,
        List.of("the generator reached 95% CPU: the rate is a lower bound", "gate " + SCRIPT + " broke"));
  }

  /** @return the whitespace-separated cells of the table line that starts with {@code name} */
  private static List<String> line(String table, String name) {
    return table.lines().filter(l -> l.startsWith(name + " ")).findFirst()
        .map(l -> Arrays.asList(l.trim().split("\\s+"))).orElseThrow(() -> new AssertionError("no line " + name + " in\n" + table));
  }

  @Test
  void theTableShowsRatesAndPercentilesInMilliseconds() {
    String table = Report.table(run("fanout"));

    assertThat(table).startsWith("UltraChat bench: fanout -> http://localhost:8080\n")
        .contains("started 2024-03-05T07:08:09Z, 5.0 s");
    assertThat(line(table, "sent")).containsExactly("sent", "5000", "1000.0");
    assertThat(line(table, "acked")).containsExactly("acked", "4990", "998.0");
    assertThat(line(table, "errors")).containsExactly("errors", "10", "2.0");
    assertThat(line(table, "latency")).containsExactly("latency", "(ms)", "count", "p50", "p95", "p99", "p99.9", "max");
    assertThat(line(table, "ack")).containsExactly("ack", "1000", "500", "950", "990", "999", "1000");
    assertThat(line(table, "deliver")).containsExactly("deliver", "100", "50.0", "95.0", "99.0", "100", "100");
    assertThat(line(table, "server_cpu_percent")).containsExactly("server_cpu_percent", "45.3");
    assertThat(line(table, "server_rss_bytes")).containsExactly("server_rss_bytes", "536870912", "(512", "MiB)");
    assertThat(table).contains("  - the generator reached 95% CPU: the rate is a lower bound\n");
    assertThat(table.chars()).allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f);
  }

  @Test
  void theTableKeepsItsColumnsAligned() {
    String table = Report.table(run("fanout"));
    List<String> latencyBlock = table.lines().dropWhile(l -> !l.startsWith("latency")).takeWhile(l -> !l.isEmpty()).toList();

    assertThat(latencyBlock).hasSize(4); // heading, rule, ack, deliver
    assertThat(latencyBlock.stream().map(String::length).distinct()).hasSize(1);
  }

  @Test
  void theJsonHasTheSummaryAndHistogramsThatDecodeToTheSameDistribution() {
    RunResult run = run("fanout");
    // Through text, as a later analysis would read the file.
    JsonObject json = new JsonObject(Report.json(run).encode());

    assertThat(json.getString("workload")).isEqualTo("fanout");
    assertThat(json.getString("startedAt")).isEqualTo("2024-03-05T07:08:09Z");
    assertThat(json.getDouble("seconds")).isEqualTo(5.0);
    assertThat(json.getJsonObject("parameters").getString("note")).isEqualTo(SCRIPT);
    assertThat(json.getJsonObject("counters").getLong("acked")).isEqualTo(4990L);
    assertThat(json.getJsonObject("rates").getDouble("acked")).isEqualTo(998.0);

    JsonObject ack = json.getJsonObject("latencies").getJsonObject("ack");
    assertThat(ack.getLong("count")).isEqualTo(1000L);
    assertThat(ack.getDouble("p50")).isCloseTo(500.0, offset(0.5));
    assertThat(ack.getDouble("p99")).isCloseTo(990.0, offset(0.5));
    assertThat(ack.getDouble("p999")).isCloseTo(999.0, offset(0.5));
    assertThat(ack.getDouble("max")).isCloseTo(1000.0, offset(0.5));
    assertThat(ack.getDouble("mean")).isCloseTo(500.5, offset(0.5));
    for (String name : List.of("ack", "deliver")) {
      Histogram original = run.latencies().get(name);
      Histogram decoded = Meter.decode(json.getJsonObject("latencies").getJsonObject(name).getString("histogram"));
      assertThat(decoded.getTotalCount()).isEqualTo(original.getTotalCount());
      assertThat(decoded.getValueAtPercentile(99)).isEqualTo(original.getValueAtPercentile(99));
      assertThat(decoded.getMaxValue()).isEqualTo(original.getMaxValue());
    }

    JsonArray timeline = json.getJsonArray("timeline");
    assertThat(timeline).hasSize(5);
    JsonObject last = timeline.getJsonObject(4);
    assertThat(last.getLong("epochSecond")).isEqualTo(1_700_000_004L);
    assertThat(last.getJsonObject("counts").getLong("sent")).isEqualTo(1000L);
    JsonObject lastAck = last.getJsonObject("latencies").getJsonObject("ack");
    assertThat(lastAck.getLong("count")).isEqualTo(200L);
    assertThat(lastAck.getDouble("p50")).isCloseTo(900.0, offset(0.5));
    assertThat(lastAck.getDouble("max")).isCloseTo(1000.0, offset(0.5));
    assertThat(json.getJsonObject("resources").getDouble("server_cpu_percent")).isEqualTo(45.25);
    assertThat(json.getJsonArray("findings")).hasSize(2).contains("gate " + SCRIPT + " broke");
  }

  @Test
  void theJsonHasNoNaNForARunWithoutTimeOrSamples() {
    RunResult empty = new RunResult("idle", "t", Instant.EPOCH, 0, Map.of(), Map.of("sent", 0L),
        Map.of("ack", new Histogram(Meter.MAX_MICROS, 3)), List.of(), Map.of("cpu", Double.NaN), List.of());

    String text = Report.json(empty).encode();

    assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
    assertThat(Report.table(empty)).contains("findings: none");
    assertThat(Report.html(empty)).contains("no data");
  }

  @Test
  void theHtmlHasAChartForThroughputAndTwoPerLatency() {
    String html = Report.html(run("fanout"));

    // throughput, then latency over time and distribution for ack and for deliver
    assertThat(count(html, "<svg")).isEqualTo(5);
    assertThat(count(html, "</svg>")).isEqualTo(5);
    assertThat(html).contains("Throughput over time", "Latency over time: ack", "Latency by percentile: deliver");
    // one line per counter, three per latency over time, one per distribution
    assertThat(count(html, "<path class=\"line\"")).isEqualTo(3 + 2 * 3 + 2);
    // the percentile axis
    assertThat(html).contains(">99.99</text>", ">99.9</text>", ">90</text>");
    // the summary tables
    assertThat(html).contains("<td class=\"num\">990</td>", "<td class=\"num\">998.0</td>");
  }

  @Test
  void theLinesGoThroughTheData() {
    RunResult run = run("fanout");

    // throughput: sent is 1000 in each of the 5 seconds, errors 2: flat lines, sent above errors
    List<double[]> throughput = lines(HtmlReport.throughput(run));
    assertThat(throughput).hasSize(3);
    double[] sent = throughput.get(0);
    double[] errors = throughput.get(2);
    assertThat(sent).hasSize(10);
    assertThat(new double[] {sent[0], sent[2], sent[4], sent[6], sent[8]}).isSorted().doesNotHaveDuplicates();
    assertThat(new double[] {sent[1], sent[3], sent[5], sent[7], sent[9]}).containsOnly(sent[1]);
    assertThat(sent[1]).isLessThan(errors[1]); // SVG y grows downwards

    // ack over time: each second is slower than the one before, p50 below p95 below p99
    List<double[]> ack = lines(HtmlReport.latencyOverTime(run, "ack"));
    assertThat(ack).hasSize(3).allSatisfy(points -> assertThat(points).hasSize(10));
    for (int i = 3; i < 10; i += 2) {
      assertThat(ack.get(2)[i]).isLessThan(ack.get(2)[i - 2]);
    }
    assertThat(ack.get(0)[1]).isGreaterThan(ack.get(1)[1]);
    assertThat(ack.get(1)[1]).isGreaterThan(ack.get(2)[1]);

    // the distribution rises from left to right
    List<double[]> distribution = lines(HtmlReport.distribution(run, "ack"));
    assertThat(distribution).hasSize(1);
    double[] points = distribution.get(0);
    assertThat(points).hasSize(2 * 81);
    for (int i = 3; i < points.length; i += 2) {
      assertThat(points[i]).isLessThanOrEqualTo(points[i - 2]);
    }
    assertThat(points[1]).isGreaterThan(points[points.length - 1]);
  }

  /** @return the x y x y... coordinates of each line of a chart */
  private static List<double[]> lines(String svg) {
    Matcher m = Pattern.compile("<path class=\"line\"[^>]* d=\"([^\"]*)\"").matcher(svg);
    List<double[]> lines = new ArrayList<>();
    while (m.find()) {
      lines.add(Arrays.stream(m.group(1).replace("h0", "").split("[ML ]")).filter(t -> !t.isEmpty())
          .mapToDouble(Double::parseDouble).toArray());
    }
    return lines;
  }

  @Test
  void theHtmlIsSelfContainedAndEscapesEveryNameAndValue() throws Exception {
    String html = Report.html(run("load" + SCRIPT));

    assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainPattern("(src|href)\\s*=").doesNotContainIgnoringCase("@import");
    assertThat(html).contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-");
    String css = html.substring(html.indexOf("<style>") + 7, html.indexOf("</style>"));
    assertThat(HtmlReport.POLICY).endsWith("'sha256-" + Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(css.getBytes(StandardCharsets.UTF_8))) + "'");
    // title, heading, the parameter, the finding
    assertThat(count(html, SCRIPT_ESCAPED)).isEqualTo(4);
  }

  @Test
  void aLatencyNameIsEscapedInTablesAndCharts() {
    RunResult run = run("fanout");
    Map<String, Histogram> latencies = new LinkedHashMap<>(run.latencies());
    latencies.put("GET /v1/x?a=1&b=<2>", run.latencies().get("deliver"));
    RunResult named = new RunResult(run.workload(), run.target(), run.startedAt(), run.seconds(), run.parameters(),
        run.counters(), latencies, run.timeline(), run.resources(), run.findings());

    String html = Report.html(named);

    assertThat(html).doesNotContain("<2>").contains("GET /v1/x?a=1&amp;b=&lt;2&gt;");
    assertThat(count(html, "<svg")).isEqualTo(7);
  }

  @Test
  void writeCreatesTheJsonAndTheHtmlNamedAfterWorkloadAndStart(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("reports/nested");

    Path html = Report.write(run("fanout"), dir);

    assertThat(html).isEqualTo(dir.resolve("fanout-20240305-070809.html")).isRegularFile();
    assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    Path json = dir.resolve("fanout-20240305-070809.json");
    assertThat(json).isRegularFile();
    assertThat(new JsonObject(Files.readString(json)).getJsonObject("counters").getLong("sent")).isEqualTo(5000L);
  }

  @Test
  void writeKeepsAStrangeWorkloadNameInsideTheDirectory(@TempDir Path tmp) {
    Path html = Report.write(run("../../etc/x y"), tmp);

    assertThat(html.getParent()).isEqualTo(tmp);
    assertThat(html.getFileName().toString()).isEqualTo("_.._etc_x_y-20240305-070809.html");
  }

  @Test
  void ticksStepByOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(SvgChart.niceStep(100, 5)).isEqualTo(20);
    assertThat(SvgChart.niceStep(4, 10)).isEqualTo(0.5);
    assertThat(SvgChart.niceStep(60, 10)).isEqualTo(5);
    assertThat(SvgChart.niceStep(300, 10)).isEqualTo(50);
    assertThat(SvgChart.niceStep(0.037, 5)).isCloseTo(0.01, offset(1e-12));
    assertThat(SvgChart.ticks(0, 1001, 5, true)).extracting(SvgChart.Tick::label)
        .containsExactly("0", "200", "400", "600", "800", "1000", "1200");
    assertThat(SvgChart.ticks(0, 0.9, 5, true)).extracting(SvgChart.Tick::label)
        .containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");
    assertThat(SvgChart.ticks(3, 57, 10, false)).extracting(SvgChart.Tick::label)
        .containsExactly("5", "10", "15", "20", "25", "30", "35", "40", "45", "50", "55");
  }

  private static int count(String text, String part) {
    Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
