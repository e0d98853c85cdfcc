package org.ultrachat.bench;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "api", mixinStandardHelpOptions = true,
    description = "REST mix (history, channel list, search, post) at increasing rates; latency per endpoint.")
final class ApiCommand extends WorkloadCommand {
  @Option(names = "--users", defaultValue = "500")
  int users;
  @Option(names = "--channel-size", defaultValue = "10")
  int channelSize;
  @Option(names = "--seed", defaultValue = "60", description = "Messages stored in each channel first.")
  int seed;
  @Option(names = "--rates", defaultValue = "200,400,800")
  String rates;
  @Option(names = "--step", defaultValue = "20")
  int step;

  @Override
  String name() {
    return "api";
  }

  @Override
  int users() {
    return users;
  }

  @Override
  int connectSeconds() {
    return 1;
  }

  @Override
  int seedMessages() {
    return seed;
  }

  @Override
  List<Group> groups() {
    return List.of(new Group("public", "api", chunks(users, channelSize, 0)));
  }

  @Override
  Map<String, String> parameters(long startAt) {
    return Map.of("users", Integer.toString(users), "channelSize", Integer.toString(channelSize),
        "seed", Integer.toString(seed), "rates", rates, "step", Integer.toString(step), "sendAt", Long.toString(startAt));
  }
}
