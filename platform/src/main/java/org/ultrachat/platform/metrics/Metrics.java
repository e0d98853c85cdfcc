package org.ultrachat.platform.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.nio.file.Path;

/**
 * The node's metric registry, scraped by Prometheus at {@code /metrics}. One per process; the
 * Vert.x instance reports into it too (pools, event bus).
 */
public final class Metrics {
  private Metrics() {
  }

  /**
   * @param dataDir the data directory, whose disk space is reported
   * @return a registry with JVM (memory, GC, threads, classes) and system (CPU, file
   *     descriptors, uptime, disk) metrics bound
   */
  public static PrometheusMeterRegistry registry(Path dataDir) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    File disk = dataDir.toAbsolutePath().toFile();
    new DiskSpaceMetrics(disk.exists() ? disk : new File(".").getAbsoluteFile()).bindTo(registry);
    @SuppressWarnings("resource") // lives as long as the registry; closed with the process
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return registry;
  }
}
