package org.ultrachat.bench;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "fanout", mixinStandardHelpOptions = true,
    description = "R channels x M members, a fixed total send rate; deliveries per second and send-to-deliver latency.")
final class FanoutCommand extends WorkloadCommand {
  @Option(names = "--channels", defaultValue = "10")
  int channels;
  @Option(names = "--members", defaultValue = "100")
  int members;
  @Option(names = "--rate", defaultValue = "1000", description = "Messages per second sent, in all.")
  int rate;
  @Option(names = "--duration", defaultValue = "30")
  int duration;
  @Option(names = "--body-bytes", defaultValue = "100")
  int bodyBytes;
  @Option(names = "--ramp", defaultValue = "1000")
  int ramp;

  @Override
  String name() {
    return "fanout";
  }

  @Override
  int users() {
    return channels * members;
  }

  @Override
  List<Group> groups() {
    return List.of(new Group("public", "fanout", chunks(users(), members, 0)));
  }

  @Override
  Map<String, String> parameters(long startAt) {
    return Map.of("channels", Integer.toString(channels), "members", Integer.toString(members),
        "rate", Integer.toString(rate), "duration", Integer.toString(duration), "bodyBytes", Integer.toString(bodyBytes),
        "ramp", Integer.toString(ramp), "sendAt", Long.toString(startAt),
        "expectedDeliveriesPerSecond", Long.toString((long) rate * members));
  }
}
