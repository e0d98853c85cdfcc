package org.ultrachat.gateway.realtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * One channel's resume for one connection: replay the stored events after the client's seq, in
 * pages, then write the live events held meanwhile that come after the last one replayed, and go
 * live. Live events are held from before the first page is read, and everything they do not cover
 * is committed, hence readable; so the seam loses and doubles nothing. A gap larger than
 * {@code realtime-resume-max-events}, or one the store no longer holds, gets {@code resync}.
 */
final class Replay {
  private final Hub hub;
  private final Connection c;
  private final String channelId;
  private final long from;
  private final Optional<String> id;
  private final boolean announce;
  private int replayed;

  /** @param announce whether to end with a {@code resumed} frame (a client's resume) or not (a new membership) */
  Replay(Hub hub, Connection c, String channelId, long from, Optional<String> id, boolean announce) {
    this.announce = announce;
    this.hub = hub;
    this.c = c;
    this.channelId = channelId;
    this.from = from;
    this.id = id;
  }

  Future<Void> run() {
    return hub.here(hub.node.chat.readable(c.caller, channelId))
        .compose(v -> hub.subscribe(c, channelId, true))
        .compose(position -> {
          Connection.Delivery d = c.channels.get(channelId);
          if (d == null || c.closed) {
            return Future.succeededFuture();
          }
          d.resuming = true;
          if (from > position) {
            // The client may hold events this loop has not passed yet; only the store can say it is wrong.
            return hub.here(hub.node.chat.lastSeq(channelId)).compose(stored -> {
              if (from > stored) {
                finish(d);
                return Future.failedFuture(Frames.Refused.badInput("seq " + from + " is ahead of the channel's last seq "
                    + stored));
              }
              d.lastSent = Math.max(d.lastSent, from);
              finish(d);
              resumed(from);
              return Future.succeededFuture();
            });
          }
          if (position - from > hub.node.options.resumeMaxEvents()) {
            return resync(d, "a gap of " + (position - from) + " events is over the resume cap of "
                + hub.node.options.resumeMaxEvents(), position);
          }
          return page(d, from, position, true);
        });
  }

  private Future<Void> page(Connection.Delivery d, long after, long target, boolean first) {
    return drained().compose(v -> hub.here(hub.node.chat.events(channelId, after, Hub.PAGE))).compose(events -> {
      if (c.closed || c.channels.get(channelId) != d) {
        return Future.succeededFuture();
      }
      if (first && after < target && (events.isEmpty() || events.get(0).getLong("seq") != after + 1)) {
        return resync(d, "events after " + after + " are no longer stored", target);
      }
      for (JsonObject event : events) {
        c.writeReplayed(Frames.event(event));
        d.lastSent = event.getLong("seq");
      }
      replayed += events.size();
      long last = events.isEmpty() ? after : events.get(events.size() - 1).getLong("seq");
      Realtime.ReplayGate gate = hub.node.replayGate();
      Future<Void> opened = gate == null ? Future.succeededFuture() : hub.here(gate.afterPage(channelId, last));
      return opened.compose(x -> {
        if (c.closed || c.channels.get(channelId) != d) {
          return Future.succeededFuture();
        }
        if (events.size() == Hub.PAGE && last < target) {
          return page(d, last, target, false);
        }
        if (d.overflowed) {
          // More went by live than we hold: drop what is held and read on from the store.
          d.overflowed = false;
          d.held.clear();
          long now = hub.feed(channelId).map(f -> f.sequencer.position()).orElse(last);
          return page(d, last, now, false);
        }
        d.lastSent = Math.max(d.lastSent, from);
        finish(d);
        resumed(d.lastSent);
        return Future.succeededFuture();
      });
    });
  }

  private void resumed(long lastSeq) {
    if (announce) {
      c.send(Frames.reply("resumed", id).put("channelId", channelId).put("replayed", replayed).put("lastSeq", lastSeq));
    }
  }

  private Future<Void> resync(Connection.Delivery d, String reason, long lastSeq) {
    d.lastSent = Math.max(d.lastSent, lastSeq);
    finish(d);
    c.send(Frames.reply("resync", id).put("channelId", channelId).put("reason", reason).put("lastSeq", lastSeq));
    return Future.succeededFuture();
  }

  private void finish(Connection.Delivery d) {
    d.resuming = false;
    c.release(d);
  }

  /** Waits until the socket's outbound buffer has room, so a long replay never counts as a slow consumer. */
  private Future<Void> drained() {
    if (c.closed || !c.socket.full()) {
      return Future.succeededFuture();
    }
    Promise<Void> room = Promise.promise();
    c.socket.onDrain(room::tryComplete);
    return room.future();
  }
}
