package org.ultrachat.bench;

import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What a workload command decides: the users, channels and parameters of its plan. */
abstract class WorkloadCommand implements Callable<Integer> {
  /** Options every workload takes. */
  static final class Common {
    @Option(names = "--target", defaultValue = "http://127.0.0.1:8080", description = "Server base URL (default: ${DEFAULT-VALUE}).")
    URI target;
    @Option(names = "--admin-user", defaultValue = "admin", description = "Admin account that provisions the run's users.")
    String adminUser;
    @Option(names = "--admin-password", defaultValue = "${env:ULTRACHAT_BENCH_ADMIN_PASSWORD}",
        description = "Its password (default: $ULTRACHAT_BENCH_ADMIN_PASSWORD).")
    String adminPassword;
    @Option(names = "--workers", defaultValue = "0", description = "Worker processes (0: one per 15,000 connections).")
    int workers;
    @Option(names = "--server-pid", description = "The server's process id (default: found by the target port).")
    Optional<Long> serverPid;
    @Option(names = "--out", defaultValue = "bench-results", description = "Where the JSON and HTML results go.")
    Path out;
    @Option(names = "--worker-heap-mb", defaultValue = "1024", description = "Heap of each worker process.")
    int workerHeapMb;
    @Option(names = "--users-per-address", defaultValue = "500",
        description = "Users behind each loopback source address (default: ${DEFAULT-VALUE}); fewer spreads the "
            + "per-address rate limit over more addresses, as real clients are.")
    int usersPerAddress;
  }

  @Mixin
  Common common;

  abstract String name();

  abstract int users();

  /** @return the channels (groups of user indexes) and their kind */
  abstract List<Group> groups();

  abstract Map<String, String> parameters(long startAt);

  /** Seconds to allow for connecting before the timed part starts. */
  int connectSeconds() {
    return Math.max(10, users() / 500);
  }

  int seedMessages() {
    return 0;
  }

  void hooks(Coordinator coordinator, Optional<ServerProcess> server) {
  }

  record Group(String kind, String prefix, List<List<Integer>> members) {
  }

  /** Waits (up to 2 min) until the server's write queues are empty, so a run never measures the last one's backlog. */
  static void awaitIdle(ServerProcess server) {
    for (int i = 0; i < 120; i++) {
      long queued = server.metricSum("ultrachat_store_group_commit_queue", "");
      if (queued <= 0) {
        return;
      }
      if (i % 10 == 0) {
        System.out.println("waiting for the server to finish " + queued + " queued writes from before");
      }
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    System.out.println("the server still has queued writes; the run starts anyway");
  }

  @Override
  public Integer call() throws Exception {
    int users = users();
    int workers = common.workers > 0 ? common.workers : Math.max(1, (users + Bench.CONNECTIONS_PER_WORKER - 1) / Bench.CONNECTIONS_PER_WORKER);
    if (common.usersPerAddress < 1 || common.usersPerAddress > Bench.USERS_PER_ADDRESS) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--users-per-address must be between 1 and " + Bench.USERS_PER_ADDRESS);
    }
    int perAddress = common.usersPerAddress;
    List<String> addresses = addresses((users + perAddress - 1) / perAddress);
    Optional<ServerProcess> server = ServerProcess.find(common.target, common.serverPid);
    System.out.println("bench " + name() + " against " + common.target + " (server pid "
        + server.map(s -> Long.toString(s.pid())).orElse("not found: no server CPU or memory figures") + "), "
        + users + " users on " + workers + " worker(s) from " + addresses.size() + " source address(es)");
    Vertx vertx = Vertx.vertx();
    Plan plan;
    try {
      Setup setup = new Setup(vertx, common.target, addresses, perAddress, System.out::println);
      if (common.adminPassword == null || common.adminPassword.isBlank()) {
        throw new CommandLine.ParameterException(new CommandLine(this), "give --admin-password or set ULTRACHAT_BENCH_ADMIN_PASSWORD");
      }
      String admin = setup.adminToken(common.adminUser, common.adminPassword);
      List<Plan.User> made = setup.users(admin, users);
      List<Plan.Channel> channels = new ArrayList<>();
      for (Group g : groups()) {
        channels.addAll(setup.channels(made, g.members(), g.kind(), g.prefix()));
      }
      if (seedMessages() > 0) {
        setup.seed(made, channels, seedMessages());
      }
      setup.close();
      long startAt = System.currentTimeMillis() + connectSeconds() * 1000L + 3_000;
      Map<String, String> params = new TreeMap<>(parameters(startAt));
      plan = new Plan(name(), common.target, params, made, channels, workers, addresses, perAddress);
    } finally {
      vertx.close().await();
    }
    server.ifPresent(WorkloadCommand::awaitIdle);
    Coordinator coordinator = new Coordinator(plan, server, System.out::println);
    server.ifPresent(s -> {
      coordinator.resource("server_file_limit", s.fileLimit());
      coordinator.resource("server_rss_bytes_before", s.rssBytes());
    });
    hooks(coordinator, server);
    RunResult result = coordinator.run(common.workerHeapMb);
    result = Verdicts.judge(result);
    System.out.println();
    System.out.println(Report.table(result));
    Path page = Report.write(result, common.out);
    System.out.println("results: " + page + " (and .json beside it)");
    return 0;
  }

  /** Source addresses 127.0.0.1, 127.0.0.2, ...: loopback answers on all of 127.0.0.0/8. */
  static List<String> addresses(int n) {
    List<String> all = new ArrayList<>();
    for (int k = 0; k < Math.max(1, n); k++) {
      all.add("127.0." + (k / 250) + "." + (k % 250 + 1));
    }
    return all;
  }

  static List<List<Integer>> chunks(int users, int size, int offset) {
    List<List<Integer>> groups = new ArrayList<>();
    for (int start = 0; start < users; start += size) {
      List<Integer> g = new ArrayList<>();
      for (int i = start; i < Math.min(users, start + size); i++) {
        g.add((i + offset) % users);
      }
      groups.add(g);
    }
    return groups;
  }
}
