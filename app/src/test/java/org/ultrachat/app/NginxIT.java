package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ultrachat.app.Http.ok;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.platform.testing.TestPostgres;
import org.ultrachat.platform.testing.TestRedis;

/**
 * The example deployment, run: the nginx configuration shipped in {@code deploy/nginx} in front
 * of three node processes on PostgreSQL and Redis. Needs Debian's nginx ({@code .ci/run}
 * installs it); under {@code CI=true} a missing nginx fails the test instead of skipping it.
 */
class NginxIT {
  private static final Path CONFIG = Path.of("..", "deploy", "nginx", "ultrachat.conf");
  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  // Kept when a test fails: the nodes' logs are in it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  private static TestPostgres pg;
  private static final List<ClusterNode> nodes = new ArrayList<>();
  @RegisterExtension
  static final TestWatcher NODE_PROBLEMS = ClusterNode.reportingProblemsOf(() -> nodes);
  private static Process nginx;
  private static int port;
  private static Vertx clients;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(NGINX)) {
      String why = NGINX + " is missing; install Debian's nginx (apt-get install nginx), as .ci/run does";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(why + ". CI=true: this test must run, not skip.");
      }
      System.err.println("\n" + "!".repeat(100) + "\n!!! SKIPPING NGINX TESTS: " + why + "\n" + "!".repeat(100));
      Assumptions.abort("SKIPPED LOUDLY: " + why);
    }
    pg = TestPostgres.create();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Map<String, String> env = Map.of("ULTRACHAT_DB_URL", pg.url(), "ULTRACHAT_REDIS_URL", TestRedis.url(),
        "ULTRACHAT_MASTER_KEY", Base64.getEncoder().encodeToString(key),
        "ULTRACHAT_TRUSTED_PROXIES", "127.0.0.1/32");
    nodes.addAll(ClusterNode.startThree("edge", dir, env));

    port = freePort();
    String config = Files.readString(CONFIG).replace("listen 8080;", "listen 127.0.0.1:" + port + ";");
    Matcher m = Pattern.compile("server 127\\.0\\.0\\.1:808([123])").matcher(config);
    StringBuilder swapped = new StringBuilder();
    while (m.find()) {
      int node = Integer.parseInt(m.group(1)) - 1;
      m.appendReplacement(swapped, "server 127.0.0.1:" + nodes.get(node).port);
    }
    m.appendTail(swapped);
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, swapped.toString());
    Files.createDirectories(dir.resolve("logs"));
    nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString(),
        "-g", "daemon off; pid " + dir.resolve("nginx.pid") + "; error_log " + dir.resolve("nginx-error.log") + ";")
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    Http http = new Http(port);
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      try {
        if (http.get("/health/ready").statusCode() == 200) {
          break;
        }
      } catch (RuntimeException notYet) {
        // nginx not listening yet
      }
      if (!nginx.isAlive() || System.currentTimeMillis() > deadline) {
        throw new AssertionError("nginx did not come up: " + Files.readString(dir.resolve("nginx.out"))
            + (Files.exists(dir.resolve("nginx-error.log")) ? Files.readString(dir.resolve("nginx-error.log")) : ""));
      }
      Thread.sleep(100);
    }
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (nginx != null) {
      nginx.destroy();
    }
    nodes.forEach(ClusterNode::close);
    if (clients != null) {
      clients.close().await();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void restAndWebSocketsThroughNginxReachEveryNodeAndChatAcrossThem() throws Exception {
    Http http = new Http(port);
    // Node-to-node routes stay inside: nginx answers them itself.
    assertThat(http.post("/internal/v1/authenticate", new JsonObject(), null).statusCode()).isEqualTo(404);
    List<String> tokens = new ArrayList<>();
    for (String name : List.of("ana", "ben", "cid")) {
      tokens.add(http.register(name).token());
    }
    String channel = ok(http.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "edge"),
        tokens.get(0))).getString("id");
    ok(http.send("POST", "/v1/channels/" + channel + "/join", null, tokens.get(1)));
    ok(http.send("POST", "/v1/channels/" + channel + "/join", null, tokens.get(2)));
    List<RealtimeClient> members = new ArrayList<>();
    for (String token : tokens) {
      // As a browser does: with an Origin, which the server compares with the Host nginx passes on.
      RealtimeClient c = RealtimeClient.connect(clients, port,
          new RealtimeClient.Options().token(token).origin("http://127.0.0.1:" + port));
      c.live();
      members.add(c);
    }
    // least_conn spreads the three sockets over the three nodes.
    List<Double> perNode = new ArrayList<>();
    for (ClusterNode node : nodes) {
      perNode.add(connections(node));
    }
    assertThat(perNode).as("sockets per node").containsExactly(1.0, 1.0, 1.0);

    Set<Long> acked = new HashSet<>();
    for (int n = 0; n < 20; n++) {
      acked.add(members.get(n % 3).sendMessage(channel, "m-" + n, "message " + n).getLong("seq"));
    }
    for (RealtimeClient member : members) {
      assertThat(member.awaitSeqs(channel, acked)).isSorted().doesNotHaveDuplicates();
      member.close();
    }
  }

  private static double connections(ClusterNode node) {
    String metrics = new Http(node.port).get("/metrics").body();
    return metrics.lines().filter(l -> l.startsWith("ultrachat_realtime_connections "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).sum();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
