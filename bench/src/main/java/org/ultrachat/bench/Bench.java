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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ultrachat bench <workload>}: drives a running server over its public protocol and
 * reports (docs/benchmarks.md). Each workload makes its users and channels through the API,
 * runs on worker processes, prints progress every second, then a summary table, and writes a JSON
 * result and an HTML page with charts.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Load-test a running UltraChat server (see docs/benchmarks.md).",
    subcommands = {Bench.Connections.class, Bench.Fanout.class, Bench.Ingest.class, Bench.ApiMix.class, Bench.Users.class})
public final class Bench {
  /** Users per source address: keeps each address well inside the per-address limits and its ~28k local ports. */
  static final int USERS_PER_ADDRESS = 500;
  /** Connections per worker process: each process may open 20,000 files here. */
  static final int CONNECTIONS_PER_WORKER = 15_000;

  public static CommandLine commandLine() {
    return new CommandLine(new Bench());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

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

  /** What a workload command decides: the users, channels and parameters of its plan. */
  abstract static class Workload implements Callable<Integer> {
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
      int workers = common.workers > 0 ? common.workers : Math.max(1, (users + CONNECTIONS_PER_WORKER - 1) / CONNECTIONS_PER_WORKER);
      if (common.usersPerAddress < 1 || common.usersPerAddress > USERS_PER_ADDRESS) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--users-per-address must be between 1 and " + USERS_PER_ADDRESS);
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
      server.ifPresent(Workload::awaitIdle);
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

  @Command(name = "connections", mixinStandardHelpOptions = true,
      description = "Ramp to N authenticated WebSockets (each user in a personal and a group channel), hold, measure server memory per connection.")
  static final class Connections extends Workload {
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

  @Command(name = "fanout", mixinStandardHelpOptions = true,
      description = "R channels x M members, a fixed total send rate; deliveries per second and send-to-deliver latency.")
  static final class Fanout extends Workload {
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

  @Command(name = "ingest", mixinStandardHelpOptions = true,
      description = "Acked, persisted sends per second at increasing rates, up to saturation.")
  static final class Ingest extends Workload {
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

  @Command(name = "api", mixinStandardHelpOptions = true,
      description = "REST mix (history, channel list, search, post) at increasing rates; latency per endpoint.")
  static final class ApiMix extends Workload {
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

  @Command(name = "users", mixinStandardHelpOptions = true,
      description = "Simulated active users (web-client-like, acting every ~5 s), ramped in steps until a gate breaks.")
  static final class Users extends Workload {
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
}
