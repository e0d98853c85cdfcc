package org.ultrachat.gateway.realtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/** The few things a connection does to its WebSocket; an interface so the protocol logic is tested without sockets. */
interface Socket {
  /** @return whether the outbound buffer is over its high-water mark */
  boolean full();

  void write(String text);

  void ping();

  void close(int code, String reason);

  /** Runs {@code then} once when the outbound buffer has room again. */
  void onDrain(Runnable then);

  static Socket of(ServerWebSocket ws) {
    return new Socket() {
      @Override
      public boolean full() {
        return ws.writeQueueFull();
      }

      @Override
      public void write(String text) {
        ws.writeTextMessage(text);
      }

      @Override
      public void ping() {
        ws.writePing(Buffer.buffer("hb"));
      }

      @Override
      public void close(int code, String reason) {
        ws.close((short) code, reason);
      }

      @Override
      public void onDrain(Runnable then) {
        ws.drainHandler(v -> {
          ws.drainHandler(null);
          then.run();
        });
      }
    };
  }
}
