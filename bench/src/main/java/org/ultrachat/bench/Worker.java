package org.ultrachat.bench;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A load-generator process: runs its slice of a plan and reports on stdout, one JSON object per
 * line ({@code tick} every second, {@code note}, then {@code done}). Several run at once so that
 * the generator can hold more connections than one process may open files.
 */
public final class Worker {
  private Worker() {
  }

  public static void main(String[] args) throws Exception {
    Plan plan = Plan.fromJson(new JsonObject(Files.readString(Path.of(args[0]))));
    int index = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
    Object lock = new Object();
    Consumer<JsonObject> emit = line -> {
      synchronized (lock) {
        out.println(line.encode());
        out.flush();
      }
    };
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
    Meter meter = new Meter();
    Workload.Context ctx = new Workload.Context(vertx, plan, index, meter,
        text -> emit.accept(new JsonObject().put("type", "note").put("worker", index).put("text", text)));
    long timer = vertx.setPeriodic(1_000, id -> emit.accept(tick(meter)));
    try {
      Workload.named(plan.workload()).run(ctx).await();
    } catch (RuntimeException e) {
      emit.accept(new JsonObject().put("type", "note").put("worker", index).put("text", "worker " + index + " failed: " + e));
    }
    vertx.cancelTimer(timer);
    emit.accept(tick(meter));
    JsonObject latencies = new JsonObject();
    meter.totals().forEach((name, h) -> latencies.put(name, Meter.encode(h)));
    double cpu = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
    emit.accept(new JsonObject().put("type", "done").put("worker", index).put("counts", new JsonObject(
        new TreeMap<String, Object>(meter.counts()))).put("latencies", latencies).put("cpuSeconds", cpu));
    vertx.close().await();
    System.exit(0);
  }

  private static JsonObject tick(Meter meter) {
    Meter.Interval interval = meter.cut(Instant.now().getEpochSecond());
    JsonObject latencies = new JsonObject();
    interval.latencies().forEach((name, h) -> latencies.put(name, Meter.encode(h)));
    return new JsonObject().put("type", "tick").put("second", interval.epochSecond())
        .put("counts", new JsonObject(new TreeMap<String, Object>(interval.counts()))).put("latencies", latencies);
  }
}
