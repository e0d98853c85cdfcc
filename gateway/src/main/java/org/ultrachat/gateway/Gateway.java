package org.ultrachat.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The edge HTTP server: one verticle instance per event loop, all sharing one port.
 */
public final class Gateway {
  private Gateway() {
  }

  /**
   * The running HTTP servers.
   *
   * @param port the port they listen on (the real one when the configured port is 0)
   */
  public record Running(int port, Vertx vertx, String deploymentId) {
    /**
     * Stops accepting, lets requests in flight finish (at most {@link #DRAIN_SECONDS}) and closes
     * the servers; call before closing what the requests use (the store).
     */
    public Future<Void> stop() {
      return vertx.undeploy(deploymentId);
    }
  }

  /** Deploys the HTTP server instances. */
  public static Future<Running> start(Vertx vertx, Edge.Parts parts) {
    EdgeOptions options = EdgeOptions.of(parts.config());
    int configured = parts.config().integer(EdgeSettings.HTTP_EVENT_LOOPS);
    int instances = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    // Instances of one deployment share the listening socket, also when port 0 picks a free one.
    int[] bound = new int[1];
    return vertx.deployVerticle(() -> new Server(parts, options.port(), bound),
            new DeploymentOptions().setInstances(instances))
        .map(id -> new Running(bound[0], vertx, id));
  }

  /** How long a stopping node lets requests in flight finish before it closes their connections. */
  static final int DRAIN_SECONDS = 10;

  private static final class Server extends VerticleBase {
    private final Edge.Parts parts;
    private final int port;
    private final int[] bound;
    private HttpServer server;

    Server(Edge.Parts parts, int port, int[] bound) {
      this.parts = parts;
      this.port = port;
      this.bound = bound;
    }

    @Override
    public Future<?> start() {
      EdgeOptions options = EdgeOptions.of(parts.config());
      HttpServerOptions serverOptions = new HttpServerOptions()
          .setHost(options.host())
          .setPort(port)
          .setIdleTimeout(120)
          .setMaxHeaderSize(16 * 1024)
          // No h2c upgrade: browsers speak HTTP/2 only over TLS (a proxy's business here), and
          // clients that try the upgrade choked on large answers (curl 7.88 gave up, the JDK's
          // client once waited for the idle timeout). Such requests get plain HTTP/1.1.
          .setHttp2ClearTextEnabled(false);
      parts.realtime().ifPresent(realtime -> realtime.configure(serverOptions));
      server = vertx.createHttpServer(serverOptions).requestHandler(Edge.router(vertx, parts));
      return server.listen()
          .map(HttpServer::actualPort)
          .onSuccess(actual -> bound[0] = actual);
    }

    // On undeploy (the node stopping): stop accepting, let requests in flight finish, then close.
    @Override
    public Future<?> stop() {
      return server.shutdown(DRAIN_SECONDS, TimeUnit.SECONDS);
    }
  }
}
