package org.ultrachat.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * Turns a run's numbers into the sentences a reader needs: deliveries per second and drops for
 * {@code fanout}; per step, the offered and achieved rates, errors and tail latency for
 * {@code ingest} and {@code api}; the gates for {@code users} (error rate, p99, server CPU).
 */
final class Verdicts {
  /** The {@code users} gates: at most 0.01 % errors, p99 at most 100 ms, server CPU at most 85 %. */
  static final double MAX_ERROR_RATE = 0.0001;
  static final double MAX_P99_MS = 100;
  static final double MAX_SERVER_CPU = 85;
  /** {@code ingest} and {@code api}: a step keeps up when 95 % is done, errors stay under 0.01 % and p99 under 1 s. */
  static final double MAX_KEEPING_UP_P99_MS = 1_000;

  private Verdicts() {
  }

  static RunResult judge(RunResult r) {
    List<String> findings = new ArrayList<>(r.findings());
    Map<String, Double> resources = new TreeMap<>(r.resources());
    switch (r.workload()) {
      case "connections" -> {
        long wanted = Long.parseLong(r.parameters().get("connections"));
        long connected = r.counters().getOrDefault("connected", 0L);
        findings.add("connected " + connected + " of " + wanted + "; refused with 429: " + r.counters().getOrDefault("refused_429", 0L)
            + "; other failures: " + r.counters().getOrDefault("failed", 0L) + "; generator limits: "
            + (r.counters().getOrDefault("failed_generator_files", 0L) + r.counters().getOrDefault("failed_generator_ports", 0L))
            + "; closed by the server while held: " + r.counters().getOrDefault("disconnects", 0L));
      }
      case "fanout" -> {
        long members = Long.parseLong(r.parameters().get("members"));
        long acked = r.counters().getOrDefault("acked", 0L);
        long delivered = r.counters().getOrDefault("delivered", 0L);
        double seconds = Double.parseDouble(r.parameters().get("duration"));
        double perSecond = steadyRate(r, "delivered");
        resources.put("deliveries_per_second", perSecond);
        findings.add(String.format("deliveries: %d (%.0f/s in the busiest steady seconds); expected %d (acked %d x %d members): "
            + "%d missing", delivered, perSecond, acked * members, acked, members, Math.max(0, acked * members - delivered)));
        Histogram deliver = r.latencies().get("deliver");
        if (deliver != null) {
          findings.add(String.format("send-to-deliver p50 %.1f ms, p99 %.1f ms, max %.1f ms over %.0f s", ms(deliver, 50),
              ms(deliver, 99), deliver.getMaxValue() / 1000.0, seconds));
        }
      }
      case "ingest", "api", "users" -> steps(r, findings, resources);
      default -> { }
    }
    return new RunResult(r.workload(), r.target(), r.startedAt(), r.seconds(), r.parameters(), r.counters(), r.latencies(),
        r.timeline(), resources, findings);
  }

  private static void steps(RunResult r, List<String> findings, Map<String, Double> resources) {
    TreeSet<String> steps = new TreeSet<>();
    r.counters().keySet().stream().filter(k -> k.startsWith("sent@") || k.startsWith("ok@"))
        .forEach(k -> steps.add(k.substring(k.indexOf('@') + 1)));
    String held = null;
    double stepSeconds = Double.parseDouble(r.parameters().get("step"));
    for (String step : steps) {
      long offered = Long.parseLong(step);
      long sent = r.counters().getOrDefault("sent@" + step, 0L);
      long ok = r.counters().getOrDefault(r.workload().equals("ingest") ? "acked@" + step : "ok@" + step, 0L);
      long errors = r.counters().getOrDefault("errors@" + step, 0L) + r.counters().getOrDefault("rate_limited@" + step, 0L);
      Histogram all = new Histogram(Meter.MAX_MICROS, 3);
      r.latencies().forEach((name, h) -> {
        if (name.endsWith("@" + step) && !name.startsWith("action@")) {
          all.add(h);
        }
      });
      double p99 = all.getTotalCount() == 0 ? Double.NaN : ms(all, 99);
      double cpu = meanInStep(r, step, "server_cpu_percent");
      double machineCpu = meanInStep(r, step, Coordinator.MACHINE_CPU);
      double errorRate = (ok + errors) == 0 ? 0 : errors / (double) (ok + errors);
      String rate = r.workload().equals("users") ? offered + " users" : offered + "/s offered";
      double achieved = ok / stepSeconds;
      boolean pass;
      if (r.workload().equals("users")) {
        pass = errorRate <= MAX_ERROR_RATE && p99 <= MAX_P99_MS && !(cpu > MAX_SERVER_CPU);
      } else {
        pass = sent > 0 && ok >= 0.95 * sent && errorRate <= MAX_ERROR_RATE && p99 <= MAX_KEEPING_UP_P99_MS;
      }
      // The machine's CPU is not a gate (the generator and PostgreSQL share it), but it says when
      // the run, rather than the server, ran out of cores.
      findings.add(String.format("step %s: %s, %d done (%.0f/s), errors %d (%.3f %%), p99 %.1f ms, server CPU %s, machine CPU %s -> %s",
          step.replaceFirst("^0+", ""), rate, ok, achieved, errors, errorRate * 100, p99,
          percent(cpu), percent(machineCpu), pass ? "held" : "broke"));
      if (pass) {
        held = step;
      }
    }
    if (held != null) {
      resources.put("highest_step_held", Double.parseDouble(held));
      findings.add("highest step that held: " + held.replaceFirst("^0+", ""));
    } else {
      findings.add("no step held");
    }
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "n/a" : String.format("%.0f %%", value);
  }

  /** @return the mean of a sampled figure over the seconds in which the step did work */
  private static double meanInStep(RunResult r, String step, String figure) {
    double sum = 0;
    int n = 0;
    for (RunResult.Second s : r.timeline()) {
      boolean inStep = s.counts().getOrDefault("sent@" + step, 0L) > 0 || s.counts().getOrDefault("ok@" + step, 0L) > 0;
      Long value = s.counts().get(figure);
      if (inStep && value != null) {
        sum += value;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** @return the mean per-second count over the seconds where it was at least half its peak */
  private static double steadyRate(RunResult r, String counter) {
    long peak = r.timeline().stream().mapToLong(s -> s.counts().getOrDefault(counter, 0L)).max().orElse(0);
    return r.timeline().stream().mapToLong(s -> s.counts().getOrDefault(counter, 0L)).filter(v -> v >= peak / 2)
        .average().orElse(0);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
