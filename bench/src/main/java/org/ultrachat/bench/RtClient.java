package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * One simulated client's WebSocket: connects with its token, goes live (an empty {@code resume}
 * after {@code hello}), and hands every text frame to the workload unparsed, so that the
 * generator spends its CPU on measuring, not on JSON.
 */
final class RtClient {
  final int index;
  final String userId;
  final String token;
  private WebSocket ws;

  RtClient(int index, String userId, String token) {
    this.index = index;
    this.userId = userId;
    this.token = token;
  }

  /** Connects and goes live. @return done once the server's hello came and the resume was sent */
  Future<RtClient> connect(WebSocketClient client, URI target, Handler<String> frames, Handler<Short> closed) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.getHost())
        .setPort(target.getPort() > 0 ? target.getPort() : 80).setURI("/v1/realtime")
        .addHeader("Authorization", "Bearer " + token);
    Promise<RtClient> live = Promise.promise();
    return client.connect(options).compose(socket -> {
      this.ws = socket;
      socket.textMessageHandler(text -> {
        if (!live.future().isComplete() && text.startsWith("{\"type\":\"hello\"")) {
          socket.writeTextMessage("{\"type\":\"resume\",\"channels\":{}}");
          live.tryComplete(this);
        }
        frames.handle(text);
      });
      socket.closeHandler(v -> {
        live.tryFail("closed before hello: " + socket.closeStatusCode());
        closed.handle(socket.closeStatusCode());
      });
      return live.future();
    });
  }

  boolean open() {
    return ws != null && !ws.isClosed();
  }

  void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  void sendText(String frame) {
    ws.writeTextMessage(frame);
  }

  Future<Void> close() {
    return ws == null ? Future.succeededFuture() : ws.close();
  }
}
