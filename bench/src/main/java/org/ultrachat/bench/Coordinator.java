package org.ultrachat.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Runs a plan on worker processes and merges what they measured: starts the workers (same JVM
 * and classpath as this one), prints progress every second, samples the machine's CPU and the
 * server's CPU, run-queue wait and memory, and, when every worker reports a phase (for example {@code held}), runs the phase's hook.
 */
final class Coordinator {
  /** Per-second timeline key of the whole machine's CPU use, in percent of all cores. */
  static final String MACHINE_CPU = "machine_cpu_percent";

  private final Plan plan;
  private final Optional<ServerProcess> server;
  private final Consumer<String> out;
  private final Map<String, Runnable> phaseHooks = new HashMap<>();
  private final Map<String, AtomicInteger> phases = new ConcurrentHashMap<>();
  private final List<Thread> hookThreads = new CopyOnWriteArrayList<>();
  private final TreeMap<Long, Map<String, Long>> counts = new TreeMap<>();
  private final TreeMap<Long, Map<String, Histogram>> latencies = new TreeMap<>();
  private final Map<String, Long> totals = new TreeMap<>();
  private final Map<String, Histogram> totalLatencies = new TreeMap<>();
  private final List<String> findings = new CopyOnWriteArrayList<>();
  private final Map<String, Double> resources = new ConcurrentHashMap<>();
  private double workerCpuSeconds;

  Coordinator(Plan plan, Optional<ServerProcess> server, Consumer<String> out) {
    this.plan = plan;
    this.server = server;
    this.out = out;
  }

  /** Runs {@code hook} once every worker has noted {@code phase:<name>}. */
  void onPhase(String name, Runnable hook) {
    phaseHooks.put(name, hook);
  }

  void resource(String name, double value) {
    resources.put(name, value);
  }

  void finding(String text) {
    findings.add(text);
    out.accept("  ! " + text);
  }

  RunResult run(int maxHeapMb) throws IOException, InterruptedException {
    Path planFile = Files.createTempFile("ultrachat-bench-plan", ".json");
    Files.writeString(planFile, plan.toJson().encode());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> workers = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    Instant started = Instant.now();
    double serverCpuBefore = server.map(ServerProcess::cpuSeconds).orElse(Double.NaN);
    double serverWaitBefore = server.map(ServerProcess::runQueueWaitSeconds).orElse(Double.NaN);
    long[] machineBefore = Machine.cpuTicks();
    for (int i = 0; i < plan.workers(); i++) {
      Process p = new ProcessBuilder(java, "-Xmx" + maxHeapMb + "m", "-XX:+UseParallelGC",
          "-cp", System.getProperty("java.class.path"), Worker.class.getName(), planFile.toString(), Integer.toString(i))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      workers.add(p);
      Thread reader = Thread.ofPlatform().name("worker-" + i).start(() -> read(p));
      readers.add(reader);
    }
    Thread sampler = Thread.ofPlatform().daemon().name("sampler").start(this::sample);
    for (Process p : workers) {
      int code = p.waitFor();
      if (code != 0) {
        finding("a worker exited with code " + code);
      }
    }
    for (Thread r : readers) {
      r.join();
    }
    // A phase's measurement (a full GC of a server holding 19,000 sockets, say) may outlast the run.
    for (Thread hook : hookThreads) {
      hook.join(120_000);
      if (hook.isAlive()) {
        finding("the " + hook.getName() + " measurement did not finish within 2 minutes of the run's end");
      }
    }
    sampler.interrupt();
    double seconds = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
    int cores = Runtime.getRuntime().availableProcessors();
    resources.put("generator_cpu_percent", 100 * workerCpuSeconds / (seconds * cores));
    server.ifPresent(s -> resources.put("server_cpu_percent", 100 * (s.cpuSeconds() - serverCpuBefore) / (seconds * cores)));
    // On the same scale as server_cpu_percent: how long its threads were ready to run but had no core.
    server.ifPresent(s -> resources.put("server_run_queue_wait_percent",
        100 * (s.runQueueWaitSeconds() - serverWaitBefore) / (seconds * cores)));
    long[] machineAfter = Machine.cpuTicks();
    if (machineBefore != null && machineAfter != null && machineAfter[1] > machineBefore[1]) {
      resources.put("machine_cpu_percent",
          100.0 * (machineAfter[0] - machineBefore[0]) / (machineAfter[1] - machineBefore[1]));
    }
    Files.deleteIfExists(planFile);
    List<RunResult.Second> timeline = new ArrayList<>();
    synchronized (this) {
      for (Long second : counts.keySet()) {
        timeline.add(new RunResult.Second(second, counts.get(second), latencies.getOrDefault(second, Map.of())));
      }
    }
    return new RunResult(plan.workload(), plan.target().toString(), started, seconds, plan.params(), totals,
        totalLatencies, timeline, new TreeMap<>(resources), List.copyOf(findings));
  }

  private void runHook(String phase, Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      finding("the measurement at phase " + phase + " failed: " + e);
    }
  }

  private void read(Process p) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.startsWith("{")) {
          continue;
        }
        handle(new JsonObject(line));
      }
    } catch (IOException e) {
      finding("lost a worker's output: " + e.getMessage());
    }
  }

  private synchronized void handle(JsonObject line) {
    switch (line.getString("type")) {
      case "tick" -> {
        long second = line.getLong("second");
        Map<String, Long> c = counts.computeIfAbsent(second, s -> new TreeMap<>());
        line.getJsonObject("counts").forEach(e -> c.merge(e.getKey(), ((Number) e.getValue()).longValue(), Long::sum));
        Map<String, Histogram> l = latencies.computeIfAbsent(second, s -> new TreeMap<>());
        line.getJsonObject("latencies").forEach(e -> l.merge(e.getKey(), Meter.decode((String) e.getValue()), (a, b) -> {
          a.add(b);
          return a;
        }));
      }
      case "note" -> {
        String text = line.getString("text");
        if (text.startsWith("phase:")) {
          String phase = text.substring(6);
          if (phases.computeIfAbsent(phase, k -> new AtomicInteger()).incrementAndGet() == plan.workers()) {
            Optional.ofNullable(phaseHooks.get(phase)).ifPresent(hook -> hookThreads.add(Thread.ofPlatform()
                .name("phase-" + phase).start(() -> runHook(phase, hook))));
          }
        } else if (!findings.contains(text)) {
          finding(text);
        }
      }
      case "done" -> {
        line.getJsonObject("counts").forEach(e -> totals.merge(e.getKey(), ((Number) e.getValue()).longValue(), Long::sum));
        line.getJsonObject("latencies").forEach(e -> totalLatencies.merge(e.getKey(), Meter.decode((String) e.getValue()),
            (a, b) -> {
              a.add(b);
              return a;
            }));
        workerCpuSeconds += line.getDouble("cpuSeconds");
      }
      default -> { }
    }
  }

  /** Every second: the server's CPU and memory into the timeline, and a progress line. */
  private void sample() {
    double lastCpu = server.map(ServerProcess::cpuSeconds).orElse(Double.NaN);
    double lastWait = server.map(ServerProcess::runQueueWaitSeconds).orElse(Double.NaN);
    long[] lastMachine = Machine.cpuTicks();
    long lastAt = System.nanoTime();
    int cores = Runtime.getRuntime().availableProcessors();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        return;
      }
      long second = Instant.now().getEpochSecond() - 1;
      StringBuilder line = new StringBuilder("t=" + second % 10_000 + "s");
      long[] machine = Machine.cpuTicks();
      if (machine != null && lastMachine != null && machine[1] > lastMachine[1]) {
        long machinePercent = Math.round(100.0 * (machine[0] - lastMachine[0]) / (machine[1] - lastMachine[1]));
        synchronized (this) {
          counts.computeIfAbsent(second, s -> new TreeMap<>()).put(MACHINE_CPU, machinePercent);
        }
        line.append(" machine cpu ").append(machinePercent).append('%');
      }
      lastMachine = machine;
      if (server.isPresent()) {
        double cpu = server.get().cpuSeconds();
        double wait = server.get().runQueueWaitSeconds();
        long now = System.nanoTime();
        double coreSeconds = (now - lastAt) / 1e9 * cores;
        long cpuPercent = Math.round(100 * (cpu - lastCpu) / coreSeconds);
        long waitPercent = Math.round(100 * (wait - lastWait) / coreSeconds);
        long rssMib = server.get().rssBytes() >> 20;
        lastCpu = cpu;
        lastWait = wait;
        lastAt = now;
        synchronized (this) {
          Map<String, Long> c = counts.computeIfAbsent(second, s -> new TreeMap<>());
          c.put("server_cpu_percent", cpuPercent);
          c.put("server_run_queue_wait_percent", waitPercent);
          c.put("server_rss_mib", rssMib);
        }
        line.append(" server cpu ").append(cpuPercent).append("% (waiting ").append(waitPercent).append("%) rss ")
            .append(rssMib).append(" MiB");
      }
      synchronized (this) {
        Map.Entry<Long, Map<String, Long>> last = counts.lowerEntry(second);
        if (last != null) {
          last.getValue().forEach((k, v) -> {
            if (!k.startsWith("server_") && !k.equals(MACHINE_CPU)) {
              line.append(" | ").append(k).append(' ').append(v).append("/s");
            }
          });
          Map<String, Histogram> l = latencies.get(last.getKey());
          if (l != null) {
            l.forEach((k, h) -> line.append(" | ").append(k).append(" p99 ")
                .append(String.format("%.1f", h.getValueAtPercentile(99) / 1000.0)).append(" ms"));
          }
        }
      }
      out.accept(line.toString());
    }
  }
}
