package org.ultrachat.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.lang.ref.WeakReference;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upgrade request of a WebSocket is garbage once the socket is open (with this Vert.x and
 * JDK), and the socket still works. Fails when a Vert.x upgrade changes what holds the request.
 */
class UpgradeReleaseTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theUpgradeRequestIsCollectedAndTheSocketWorks() throws Exception {
    CompletableFuture<WeakReference<Object>> request = new CompletableFuture<>();
    CompletableFuture<Boolean> released = new CompletableFuture<>();
    CompletableFuture<ServerWebSocket> open = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      request.complete(new WeakReference<>(req));
      Optional<ChannelPipeline> pipeline = UpgradeRelease.pipeline(req);
      req.toWebSocket().onSuccess(ws -> {
        released.complete(UpgradeRelease.release(ws, pipeline));
        ws.textMessageHandler(text -> ws.writeTextMessage("echo " + text));
        open.complete(ws);
      });
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

    CompletableFuture<String> reply = new CompletableFuture<>();
    // Held: a client nobody references is closed when collected, and this test collects.
    WebSocketClient clients = vertx.createWebSocketClient();
    WebSocket client = clients.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI("/ws").addHeader("X-Test", "yes")).await(10, TimeUnit.SECONDS);
    client.textMessageHandler(reply::complete);

    assertThat(released.get(10, TimeUnit.SECONDS)).isTrue();
    ServerWebSocket ws = open.get(10, TimeUnit.SECONDS);
    assertThat(ws.headers().isEmpty()).isTrue();
    WeakReference<Object> ref = request.get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(ref.get()).as("the upgrade request after the handshake").isNull();

    client.writeTextMessage("hi");
    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo hi");
    assertThat(ws.isClosed()).isFalse();
    clients.close().await(10, TimeUnit.SECONDS);
  }
}
