package org.ultrachat.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A finished run, merged over all worker processes: what the summary table, the JSON file and
 * the charts show. Latencies are in microseconds, measured from the intended time of each action.
 *
 * @param parameters what the run was asked to do (rate, connections, channels...), as given
 * @param counters   totals over the run (sent, acked, delivered, errors, refused...)
 * @param latencies  total latency histograms by name (e.g. {@code ack}, {@code deliver}, {@code GET /v1/channels})
 * @param timeline   one entry per second: counts in that second and interval histograms
 * @param resources  measured resource figures, e.g. {@code server_cpu_percent}, {@code generator_cpu_percent},
 *                   {@code server_rss_bytes}, {@code server_heap_after_gc_bytes}, {@code bytes_per_connection_rss}
 * @param findings   sentences about what limited the run (a generator limit, a gate that broke), for the reader
 */
record RunResult(String workload, String target, Instant startedAt, double seconds, Map<String, String> parameters,
                 Map<String, Long> counters, Map<String, Histogram> latencies, List<Second> timeline,
                 Map<String, Double> resources, List<String> findings) {

  /** One second of a run. */
  record Second(long epochSecond, Map<String, Long> counts, Map<String, Histogram> latencies) {
  }
}
