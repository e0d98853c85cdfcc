package org.ultrachat.gateway.realtime;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets go of what the HTTP upgrade request left behind, so that an idle WebSocket holds only
 * what it needs.
 *
 * <p>Vert.x 5.0 builds the WebSocket's Netty handler with a factory that captures the handshake
 * (and through it the upgrade request, its response, the routing context and the HTTP/1.x
 * connection with its own 4 KiB outbound queue), and keeps that factory for the socket's life,
 * though it is used only once, when the handler is added. Every way of accepting a WebSocket
 * ({@code toWebSocket}, {@code webSocketHandler}, {@code webSocketHandshakeHandler}) goes through
 * that same handshake. This drops the factory once the handler is in place: about 9 KiB per idle
 * connection. It reaches into Vert.x's internals, so it is best effort: when the field is not
 * there (another Vert.x) or cannot be written (a JDK that refuses to change final fields), it says
 * so once in the log and the connection works as before, only heavier.
 *
 * <p>The request's headers stay referenced by the WebSocket ({@code ServerWebSocket#headers()});
 * nothing reads them after the handshake, so they are emptied.
 *
 * <p>Each Vert.x connection also has an outbound queue that lets any thread write to it: a
 * multi-producer queue whose first 1024-slot chunk (4.6 KiB) is made with the connection. Every
 * write to a real-time socket is made on the socket's own event loop (the {@link Hub} runs there,
 * and {@link Socket} hops there otherwise), which needs no queue, so the WebSocket's connection
 * gets the direct one Vert.x itself uses for HTTP/1.x connections in its strict thread mode
 * ({@code HttpServerOptions#setStrictThreadMode}, which does not reach WebSocket connections).
 * Writes then go straight to Netty, and the socket counts as full when Netty's outbound buffer is
 * over {@code realtime-outbound-buffer-bytes}, rather than when 16 more frames wait behind that.
 */
final class UpgradeRelease {
  private static final Logger LOG = LoggerFactory.getLogger(UpgradeRelease.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final Field FACTORY = field(VertxHandler.class, "connectionFactory");
  private static final Field OUTBOUND = field(VertxConnection.class, "outboundMessageQueue");
  private static final Constructor<?> DIRECT = directQueue();

  private UpgradeRelease() {
  }

  /** @return the pipeline of the request's connection, read before the upgrade replaces its handler */
  static Optional<ChannelPipeline> pipeline(HttpServerRequest request) {
    return request.connection() instanceof ConnectionBase connection
        ? Optional.of(connection.channel().pipeline()) : Optional.empty();
  }

  /**
   * Releases the handshake state of an accepted WebSocket and gives it direct writes. Runs on the
   * socket's event loop, right after the upgrade completed and before anything is written to it.
   *
   * @return whether both were done (the headers are emptied in any case)
   */
  static boolean release(ServerWebSocket ws, Optional<ChannelPipeline> pipeline) {
    ws.headers().clear();
    if (FACTORY == null || OUTBOUND == null || DIRECT == null || pipeline.isEmpty()) {
      return false;
    }
    if (!(pipeline.get().get(VertxHandler.class) instanceof VertxHandler<?> handler)
        || !pipeline.get().channel().eventLoop().inEventLoop()) {
      return false;
    }
    try {
      FACTORY.set(handler, null);
      VertxConnection connection = handler.getConnection();
      OUTBOUND.set(connection, DIRECT.newInstance(connection));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce(e);
      return false;
    }
  }

  private static Field field(Class<?> owner, String name) {
    try {
      Field field = owner.getDeclaredField(name);
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException | RuntimeException e) {
      warnOnce(e);
      return null;
    }
  }

  private static Constructor<?> directQueue() {
    try {
      Constructor<?> constructor = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue")
          .getDeclaredConstructor(VertxConnection.class);
      constructor.setAccessible(true);
      return constructor;
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce(e);
      return null;
    }
  }

  private static void warnOnce(Exception e) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.atInfo().addKeyValue("error", e.toString())
          .log("WebSockets keep their upgrade request and a write queue in memory (about 14 KiB each): this Vert.x or"
              + " JDK does not let them go");
    }
  }
}
