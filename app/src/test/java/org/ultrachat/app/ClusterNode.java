package org.ultrachat.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One UltraChat node as a process of its own, started from the server jar the build just made,
 * as an operator would start it: configuration in the environment only.
 */
final class ClusterNode implements AutoCloseable {
  /** The shaded server jar; failsafe runs after {@code package}, in the module's directory. */
  static final Path JAR = Path.of(System.getProperty("ultrachat.jar", "target/ultrachat.jar"));

  final String name;
  final int port;
  final Path log;
  private final Process process;

  private ClusterNode(String name, int port, Path log, Process process) {
    this.name = name;
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /** Starts a node with these settings (as {@code ULTRACHAT_*} variables) on a free port; does not wait. */
  static ClusterNode start(String name, Path dir, Map<String, String> env) throws IOException {
    int port = freePort();
    Path data = Files.createDirectories(dir.resolve(name));
    Path log = dir.resolve(name + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        "-jar", JAR.toAbsolutePath().toString(), "serve"))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("ULTRACHAT_HTTP_HOST", "127.0.0.1");
    pb.environment().put("ULTRACHAT_HTTP_PORT", Integer.toString(port));
    pb.environment().put("ULTRACHAT_DATA_DIR", data.toString());
    return new ClusterNode(name, port, log, pb.start());
  }

  /**
   * Starts three nodes sharing {@code env}: the first alone (it migrates a new database and makes
   * the signing key), then the other two together. @return them, ready
   */
  static List<ClusterNode> startThree(String prefix, Path dir, Map<String, String> env) throws IOException {
    ClusterNode first = start(prefix + "-1", dir, env).awaitReady();
    ClusterNode second = start(prefix + "-2", dir, env);
    ClusterNode third = start(prefix + "-3", dir, env);
    return List.of(first, second.awaitReady(), third.awaitReady());
  }

  /** Waits until {@code /health/ready} answers 200; fails with the node's log when it does not within a minute. */
  ClusterNode awaitReady() {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      sleep(200);
    }
    throw new AssertionError(name + " was not ready within a minute:\n" + logTail());
  }

  /** Kills the process at once (SIGKILL): no drain, no goodbye to its clients. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the process as an operator or orchestrator does (SIGTERM) and waits for it to exit. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not stop within 30 s of SIGTERM:\n" + logTail());
    }
  }

  /** @return the node's threads as {@code jcmd Thread.print} shows them, for a failure message */
  String threadDump() {
    try {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
      String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException | InterruptedException e) {
      return "(no thread dump: " + e + ")";
    }
  }

  /**
   * @return a watcher that ends a failed test's report with what these nodes warned of: their
   *     logs live in a temporary folder, gone with a CI run
   */
  static TestWatcher reportingProblemsOf(Supplier<List<ClusterNode>> nodes) {
    return new TestWatcher() {
      @Override
      public void testFailed(ExtensionContext context, Throwable cause) {
        for (ClusterNode node : nodes.get()) {
          if (node != null) {
            System.err.println("---- " + node.name + " warnings and errors (log " + node.log + "):\n" + node.problems());
          }
        }
      }
    };
  }

  /** @return the node's last warnings and errors (with the lines of their stack traces), for a failed test's report */
  String problems() {
    try {
      List<String> lines = Files.readAllLines(log);
      List<String> problems = new ArrayList<>();
      boolean inProblem = false;
      for (String line : lines) {
        boolean entry = line.matches("^\\d{4}-\\d\\d-\\d\\dT\\S+ .*");
        inProblem = entry ? line.contains(" WARN ") || line.contains(" ERROR ") : inProblem;
        if (inProblem) {
          problems.add(line);
        }
      }
      return String.join("\n", problems.subList(Math.max(0, problems.size() - 80), problems.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
