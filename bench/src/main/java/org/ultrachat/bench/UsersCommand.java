package org.ultrachat.bench;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "users", mixinStandardHelpOptions = true,
    description = "Simulated active users (web-client-like, acting every ~5 s), ramped in steps until a gate breaks.")
final class UsersCommand extends WorkloadCommand {
  @Option(names = "--steps", defaultValue = "500,1000,2000", description = "Active users at each step.")
  String steps;
  @Option(names = "--step", defaultValue = "60", description = "Seconds per step.")
  int step;
  @Option(names = "--think", defaultValue = "5000", description = "Mean think time between actions, ms.")
  int think;
  @Option(names = "--ramp", defaultValue = "500")
  int ramp;

  @Override
  String name() {
    return "users";
  }

  @Override
  int users() {
    int max = 0;
    for (String s : steps.split(",")) {
      max = Math.max(max, Integer.parseInt(s.trim()));
    }
    return max;
  }

  @Override
  int connectSeconds() {
    return 1;
  }

  @Override
  List<Group> groups() {
    int n = users();
    // Realistic sizes: a big team channel, two mid-sized ones, a small one each.
    return List.of(new Group("public", "town", chunks(n, 1000, 0)), new Group("public", "team", chunks(n, 50, 0)),
        new Group("public", "project", chunks(n, 50, 25)), new Group("private", "squad", chunks(n, 8, 3)));
  }

  @Override
  int seedMessages() {
    return 0;
  }

  @Override
  Map<String, String> parameters(long startAt) {
    return Map.of("steps", steps, "step", Integer.toString(step), "think", Integer.toString(think),
        "ramp", Integer.toString(ramp), "sendAt", Long.toString(startAt));
  }
}
