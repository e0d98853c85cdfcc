package org.ultrachat.gateway.realtime;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.ratelimit.RateLimit;
import org.ultrachat.platform.store.Ids;

/**
 * One client's WebSocket and what it has been sent: per channel, the last {@code seq} written,
 * or, while a resume replays the channel (or the client has not said what it holds), the live
 * events held back until the replay is written. Lives on one event loop; not thread-safe.
 *
 * <p>Kept small, since an idle connection is mostly this: what only some connections use (early
 * personal events, departed channels, typing) is made when first needed, and the frame budget is
 * one {@code long}.
 */
final class Connection {
  /** Live events held for one channel at most; beyond it the resume reads on from the store. */
  static final int MAX_HELD = 1_000;
  private static final int MAX_DEPARTED = 64;

  /** What one channel's stream has given this connection. */
  static final class Delivery {
    long lastSent = -1;
    ArrayDeque<Held> held;
    boolean overflowed;
    boolean resuming;

    boolean holding() {
      return held != null;
    }
  }

  record Held(long seq, String text) {
  }

  final String id = Ids.newId();
  final Socket socket;
  final String address;
  final long openedAt;
  final Heartbeat heartbeat;
  final TypingThrottle typing = new TypingThrottle();
  final Map<String, Delivery> channels = new HashMap<>(4);
  Set<String> watching = Set.of();
  Caller caller;
  String token;
  long lastAuthCheck;
  boolean ready;
  boolean started;
  boolean closed;
  /** Frames read but not yet answered (a send waiting for its commit): a draining node waits for them. */
  int inFlight;
  private final RateLimit frameRate;
  /**
   * The frame budget as a generic cell rate algorithm, which is a token bucket of
   * {@code frameRate.capacity()} refilled evenly over its period: the {@link System#nanoTime()} at
   * which the bucket would be full again.
   */
  private long framesFullAt;
  private final RealtimeMetrics metrics;
  private final Runnable slow;
  /** Personal events that arrived before hello, applied right after it; null while there are none. */
  private List<JsonObject> early;
  /** Member channels the client unsubscribed from, which a repair must not follow again; made on the first. */
  private Set<String> optedOut;
  /** Channels this connection was removed from, by the seq of the removal, to drop late copies of it; made on the first. */
  private Map<String, Long> departed;

  Connection(Socket socket, Caller caller, String token, String address, long now, RealtimeOptions options,
             RealtimeMetrics metrics, Runnable slow) {
    this.socket = socket;
    this.caller = caller;
    this.token = token;
    this.address = address;
    this.openedAt = now;
    this.lastAuthCheck = now;
    this.heartbeat = new Heartbeat(now, options.heartbeatMs(), options.idleTimeoutMs());
    this.frameRate = options.frameRate();
    this.framesFullAt = System.nanoTime();
    this.metrics = metrics;
    this.slow = slow;
  }

  String userId() {
    return caller.userId();
  }

  /** @return 0 when the frame may be handled, else milliseconds until the budget allows one */
  long takeFrame() {
    return takeFrame(System.nanoTime());
  }

  /** {@link #takeFrame()} at a given {@link System#nanoTime()}. */
  long takeFrame(long nowNanos) {
    long period = frameRate.period().toNanos();
    long interval = Math.max(1, period / frameRate.capacity());
    long fullAt = framesFullAt - nowNanos < 0 ? nowNanos : framesFullAt;
    long after = fullAt + interval;
    long over = after - nowNanos - period;
    if (over > 0) {
      return Math.max(1, over / 1_000_000);
    }
    framesFullAt = after;
    return 0;
  }

  /** Passes a live channel event on: held while the channel is being replayed, dropped when already sent. */
  void deliver(String channelId, long seq, String text) {
    Delivery d = channels.get(channelId);
    if (d == null) {
      return;
    }
    if (d.holding()) {
      if (d.held.size() >= MAX_HELD) {
        d.overflowed = true;
      } else {
        d.held.add(new Held(seq, text));
      }
      return;
    }
    if (seq > d.lastSent && write(text)) {
      d.lastSent = seq;
    }
  }

  /** Writes held events after the last one sent and goes live. */
  void release(Delivery d) {
    if (d.held == null) {
      return;
    }
    ArrayDeque<Held> held = d.held;
    d.held = null;
    d.overflowed = false;
    for (Held h : held) {
      if (h.seq() > d.lastSent && write(h.text())) {
        d.lastSent = h.seq();
      }
    }
  }

  /** Keeps a personal event that came before hello. @return false when too many came */
  boolean early(JsonObject event) {
    if (early == null) {
      early = new ArrayList<>();
    }
    if (early.size() >= MAX_HELD) {
      return false;
    }
    early.add(event);
    return true;
  }

  List<JsonObject> takeEarly() {
    List<JsonObject> taken = early == null ? List.of() : early;
    early = null;
    return taken;
  }

  void departed(String channelId, long seq) {
    if (departed == null) {
      departed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_DEPARTED;
        }
      };
    }
    departed.merge(channelId, seq, Math::max);
  }

  /** The client unsubscribed from the channel (or, with {@code false}, subscribed to it again). */
  void optOut(String channelId, boolean out) {
    if (out) {
      if (optedOut == null) {
        optedOut = new HashSet<>(4);
      }
      optedOut.add(channelId);
    } else if (optedOut != null) {
      optedOut.remove(channelId);
    }
  }

  boolean optedOut(String channelId) {
    return optedOut != null && optedOut.contains(channelId);
  }

  boolean departedAfter(String channelId, long seq) {
    Long at = departed == null ? null : departed.get(channelId);
    return at != null && seq <= at;
  }

  void send(JsonObject frame) {
    write(frame.encode());
  }

  /**
   * Writes a frame unless the client stopped reading: a full outbound buffer closes the connection
   * as a slow consumer (it resumes when it comes back) rather than letting it hold memory.
   *
   * @return whether the frame was written
   */
  boolean write(String text) {
    if (closed) {
      return false;
    }
    if (socket.full()) {
      slow.run();
      return false;
    }
    socket.write(text);
    metrics.eventsOut.increment();
    return true;
  }

  /** Writes a replayed frame; the replay waits for the buffer to drain between pages instead. */
  void writeReplayed(String text) {
    if (!closed) {
      socket.write(text);
      metrics.eventsOut.increment();
      metrics.replayed.increment();
    }
  }

  void close(int code, String reason) {
    if (!closed) {
      closed = true;
      socket.close(code, reason);
    }
  }
}
