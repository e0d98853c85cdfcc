package org.ultrachat.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "connections", mixinStandardHelpOptions = true,
    description = "Ramp to N authenticated WebSockets (each user in a personal and a group channel), hold, measure server memory per connection.")
final class ConnectionsCommand extends WorkloadCommand {
  @Option(names = "--connections", defaultValue = "1000")
  int connections;
  @Option(names = "--ramp", defaultValue = "1000", description = "New connections per second, in all.")
  int ramp;
  @Option(names = "--hold", defaultValue = "30", description = "Seconds to hold them.")
  int hold;
  @Option(names = "--group-size", defaultValue = "100")
  int groupSize;

  @Override
  String name() {
    return "connections";
  }

  @Override
  int users() {
    return connections;
  }

  @Override
  List<Group> groups() {
    return List.of(new Group("private", "personal", chunks(connections, 1, 0)),
        new Group("public", "group", chunks(connections, groupSize, 0)));
  }

  @Override
  Map<String, String> parameters(long startAt) {
    return Map.of("connections", Integer.toString(connections), "ramp", Integer.toString(ramp),
        "hold", Integer.toString(hold), "groupSize", Integer.toString(groupSize));
  }

  @Override
  void hooks(Coordinator coordinator, Optional<ServerProcess> server) {
    server.ifPresent(s -> {
      long rssBefore = s.rssBytes();
      s.fullGc();
      long heapBefore = s.heapUsedBytes();
      coordinator.resource("server_heap_after_gc_bytes_before", heapBefore);
      coordinator.onPhase("held", () -> {
        long open = s.metricSum("ultrachat_realtime_connections", "");
        long rss = s.rssBytes();
        s.fullGc();
        long heap = s.heapUsedBytes();
        coordinator.resource("server_connections_held", open);
        coordinator.resource("server_open_files", s.openFiles());
        coordinator.resource("server_rss_bytes_held", rss);
        coordinator.resource("server_heap_after_gc_bytes_held", heap);
        if (open > 0) {
          coordinator.resource("rss_bytes_per_connection", (rss - rssBefore) / (double) open);
          coordinator.resource("heap_after_gc_bytes_per_connection", (heap - heapBefore) / (double) open);
        }
        coordinator.finding("held " + open + " connections: RSS " + (rss >> 20) + " MiB (+" + ((rss - rssBefore) >> 10)
            + " KiB), heap after GC " + (heap >> 20) + " MiB (+" + ((heap - heapBefore) >> 10) + " KiB)");
      });
    });
  }
}
