package org.ultrachat.platform.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder that a test can cut and restore, to make a real server (PostgreSQL, Redis)
 * unreachable without stopping it for everyone else. Cutting closes the listener and every
 * forwarded connection; restoring listens again on the same port.
 */
public final class TcpProxy implements AutoCloseable {
  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  /**
   * One client for every forwarded connection, held for the proxy's life: Vert.x closes a client,
   * with all its connections, once it is garbage collected, so a client per connection (held by
   * nobody) cut the forwarded connections at a random GC, which failed cluster tests at random.
   */
  private final NetClient upstreams;
  private NetServer server;
  private int port;

  public TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.upstreams = vertx.createNetClient();
  }

  /** Listens (on a free port the first time, the same port after a cut). */
  public TcpProxy start() {
    server = vertx.createNetServer().connectHandler(this::forward);
    port = server.listen(port, "127.0.0.1").await().actualPort();
    return this;
  }

  /** @return the port clients should connect to */
  public int port() {
    return port;
  }

  /** Refuses new connections and drops every open one. */
  public void cut() {
    server.close().await();
    sockets.forEach(NetSocket::close);
    sockets.clear();
  }

  private void forward(NetSocket client) {
    client.pause();
    sockets.add(client);
    upstreams.connect(targetPort, targetHost).onComplete(done -> {
      if (done.failed()) {
        client.close();
        return;
      }
      NetSocket upstream = done.result();
      sockets.add(upstream);
      client.handler(upstream::write);
      upstream.handler(client::write);
      client.closeHandler(v -> upstream.close());
      upstream.closeHandler(v -> client.close());
      // A side reset (a killed node) ends the pair, as a real network path would, without an ERROR in the log.
      client.exceptionHandler(e -> upstream.close());
      upstream.exceptionHandler(e -> client.close());
      client.resume();
    });
  }

  @Override
  public void close() {
    cut();
    upstreams.close().await();
  }
}
