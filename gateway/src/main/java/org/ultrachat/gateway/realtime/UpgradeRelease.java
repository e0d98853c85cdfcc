package org.ultrachat.gateway.realtime;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxHandler;
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
 */
final class UpgradeRelease {
  private static final Logger LOG = LoggerFactory.getLogger(UpgradeRelease.class);
  private static final Field FACTORY = factoryField();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private UpgradeRelease() {
  }

  /** @return the pipeline of the request's connection, read before the upgrade replaces its handler */
  static Optional<ChannelPipeline> pipeline(HttpServerRequest request) {
    return request.connection() instanceof ConnectionBase connection
        ? Optional.of(connection.channel().pipeline()) : Optional.empty();
  }

  /**
   * Releases the handshake state of an accepted WebSocket. Runs on the socket's event loop, after
   * the upgrade completed.
   *
   * @return whether the handshake's references were dropped (the headers are emptied in any case)
   */
  static boolean release(ServerWebSocket ws, Optional<ChannelPipeline> pipeline) {
    ws.headers().clear();
    if (FACTORY == null || pipeline.isEmpty()) {
      return false;
    }
    ChannelHandler handler = pipeline.get().get(VertxHandler.class);
    if (handler == null) {
      return false;
    }
    try {
      FACTORY.set(handler, null);
      return true;
    } catch (IllegalAccessException | RuntimeException e) {
      warnOnce(e);
      return false;
    }
  }

  private static Field factoryField() {
    try {
      Field field = VertxHandler.class.getDeclaredField("connectionFactory");
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException | RuntimeException e) {
      warnOnce(e);
      return null;
    }
  }

  private static void warnOnce(Exception e) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.atInfo().addKeyValue("error", e.toString())
          .log("WebSockets keep their upgrade request in memory (about 9 KiB each): this Vert.x or JDK does not let it go");
    }
  }
}
