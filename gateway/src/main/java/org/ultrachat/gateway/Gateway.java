package org.ultrachat.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.ultrachat.platform.config.Setting;

/**
 * The edge HTTP server: one verticle instance per event loop, all sharing one port.
 */
public final class Gateway {
  private Gateway() {
  }

  /**
   * Deploys the HTTP server instances.
   *
   * @return the port they listen on (the real one when the configured port is 0)
   */
  public static Future<Integer> start(Vertx vertx, Edge.Parts parts) {
    EdgeOptions options = EdgeOptions.of(parts.config());
    int configured = parts.config().integer(Setting.HTTP_EVENT_LOOPS);
    int instances = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    // Instances of one deployment share the listening socket, also when port 0 picks a free one.
    int[] bound = new int[1];
    return vertx.deployVerticle(() -> new Server(parts, options.port(), bound),
            new DeploymentOptions().setInstances(instances))
        .map(id -> bound[0]);
  }

  private static final class Server extends VerticleBase {
    private final Edge.Parts parts;
    private final int port;
    private final int[] bound;

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
      return vertx.createHttpServer(serverOptions)
          .requestHandler(Edge.router(vertx, parts))
          .listen()
          .map(HttpServer::actualPort)
          .onSuccess(actual -> bound[0] = actual);
    }
  }
}
