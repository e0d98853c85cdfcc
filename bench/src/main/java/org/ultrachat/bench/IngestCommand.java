package org.ultrachat.bench;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Acked, persisted sends per second at increasing rates, up to saturation.")
final class IngestCommand extends WorkloadCommand {
  @Option(names = "--connections", defaultValue = "1000")
  int connections;
  @Option(names = "--channel-size", defaultValue = "10")
  int channelSize;
  @Option(names = "--rates", defaultValue = "1000,2000,4000", description = "Offered send rates, one step each.")
  String rates;
  @Option(names = "--step", defaultValue = "20", description = "Seconds per rate.")
  int step;
  @Option(names = "--ramp", defaultValue = "1000")
  int ramp;

  @Override
  String name() {
    return "ingest";
  }

  @Override
  int users() {
    return connections;
  }

  @Override
  List<Group> groups() {
    return List.of(new Group("public", "ingest", chunks(connections, channelSize, 0)));
  }

  @Override
  Map<String, String> parameters(long startAt) {
    return Map.of("connections", Integer.toString(connections), "channelSize", Integer.toString(channelSize),
        "rates", rates, "step", Integer.toString(step), "ramp", Integer.toString(ramp), "sendAt", Long.toString(startAt));
  }
}
