package org.ultrachat.gateway.realtime;

import io.vertx.core.Context;
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

  /**
   * @param loop    the socket's event-loop thread: everything is written from there, since the
   *                socket writes without a queue between threads ({@link UpgradeRelease})
   * @param context a context on that loop, to get there from elsewhere
   */
  static Socket of(ServerWebSocket ws, Thread loop, Context context) {
    return new Socket() {
      @Override
      public boolean full() {
        return ws.writeQueueFull();
      }

      @Override
      public void write(String text) {
        if (Thread.currentThread() == loop) {
          ws.writeTextMessage(text);
        } else {
          context.runOnContext(v -> ws.writeTextMessage(text));
        }
      }

      @Override
      public void ping() {
        if (Thread.currentThread() == loop) {
          ws.writePing(Buffer.buffer("hb"));
        } else {
          context.runOnContext(v -> ws.writePing(Buffer.buffer("hb")));
        }
      }

      @Override
      public void close(int code, String reason) {
        if (Thread.currentThread() == loop) {
          ws.close((short) code, reason);
        } else {
          context.runOnContext(v -> ws.close((short) code, reason));
        }
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
