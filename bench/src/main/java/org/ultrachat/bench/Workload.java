package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** What one worker process runs: its slice of the users, for the run's duration. */
interface Workload {
  /** @return done when the workload's time is over (the worker then reports and exits) */
  Future<Void> run(Context ctx);

  /** What a workload has in a worker. */
  final class Context {
    final Vertx vertx;
    final Plan plan;
    final int worker;
    final Meter meter;
    final List<Integer> users;
    /** Set when the workload closes its own sockets: closes from then on are not the server's doing. */
    volatile boolean closing;
    private final Consumer<String> notes;
    private final Map<String, WebSocketClient> sockets = new HashMap<>();
    private final Map<String, Api> apis = new HashMap<>();

    Context(Vertx vertx, Plan plan, int worker, Meter meter, Consumer<String> notes) {
      this.vertx = vertx;
      this.plan = plan;
      this.worker = worker;
      this.meter = meter;
      this.users = plan.slice(worker);
      this.notes = notes;
    }

    /** Tells the coordinator something it should report (a limit met, a phase reached). */
    void note(String text) {
      notes.accept(text);
    }

    /** @return a WebSocket client bound to the source address of user {@code index} */
    synchronized WebSocketClient sockets(int index) {
      return sockets.computeIfAbsent(plan.addressOf(index), a -> vertx.createWebSocketClient(
          new WebSocketClientOptions().setLocalAddress(a).setMaxConnections(Integer.MAX_VALUE)
              .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20).setTcpNoDelay(true)
              .setConnectTimeout(30_000)));
    }

    /** @return a REST client bound to the source address of user {@code index} */
    synchronized Api api(int index) {
      return apis.computeIfAbsent(plan.addressOf(index), a -> new Api(vertx, plan.target(), a, 256));
    }
  }

  static Workload named(String name) {
    return switch (name) {
      case "connections" -> new ConnectionsWorkload();
      case "fanout" -> new FanoutWorkload();
      case "ingest" -> new IngestWorkload();
      case "api" -> new ApiWorkload();
      case "users" -> new UsersWorkload();
      default -> throw new IllegalArgumentException("no workload " + name);
    };
  }
}
