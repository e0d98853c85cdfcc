package org.ultrachat.gateway.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.http.ProblemException;

/**
 * What each client frame does (docs/protocol.md). Every frame is checked whole before it acts;
 * a refused frame gets an {@code error} frame with the frame's {@code id} and changes nothing.
 */
final class ClientFrames {
  private static final Logger LOG = LoggerFactory.getLogger(ClientFrames.class);
  static final int MAX_RESUME_CHANNELS = 1_000;
  static final int MAX_WATCHED = 500;

  private final Hub hub;
  private final Realtime node;
  private final Predicate<String> moduleType;

  ClientFrames(Hub hub) {
    this.hub = hub;
    this.node = hub.node;
    this.moduleType = type -> node.frames.find(type).isPresent();
  }

  void handle(Connection c, String text) {
    c.heartbeat.heard(hub.now());
    if (c.closed) {
      return;
    }
    long waitMs = c.takeFrame();
    if (waitMs > 0) {
      JsonObject error = Frames.error(Optional.empty(), "rate_limited", 429,
          "over " + node.options.frameRate() + " frames on this connection").put("retryAfterMs", waitMs);
      // A flood is refused unread: parsing it for a metric label would spend what the limit saves.
      node.metrics.frameError(Frames.UNREAD, "rate_limited");
      c.send(error);
      return;
    }
    JsonObject frame;
    try {
      frame = Frames.parse(text, node.options.maxFrameBytes(), moduleType);
    } catch (Frames.Refused r) {
      // Too large a frame is not even read for its id.
      Optional<String> id = r.code.equals("too_large") ? Optional.empty() : Frames.idOf(text);
      node.metrics.frameError(r.code.equals("too_large") ? Frames.UNREAD : Frames.typeOf(text, moduleType), r.code);
      c.send(Frames.error(id, r));
      return;
    }
    String type = frame.getString("type");
    Optional<String> id = Optional.ofNullable(frame.getString("id"));
    Future<Void> work;
    try {
      if (hub.draining() && type.equals("send")) {
        // Everything read before the goaway is finished; nothing new is started.
        throw new ProblemException.Unavailable("the server is shutting down; reconnect and send again with the same clientId");
      }
      work = act(c, type, id, frame);
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    if (!work.isComplete()) {
      c.inFlight++;
      work.onComplete(done -> {
        c.inFlight--;
        hub.settled(c);
      });
    }
    work.onFailure(e -> {
      JsonObject error = Frames.error(id, e);
      // 503 (a full write queue, the store down) is load, not a fault: counted, not logged per frame.
      if (error.getInteger("status") >= 500 && error.getInteger("status") != 503) {
        LOG.atWarn().setCause(e).addKeyValue("type", type).log("a real-time frame failed");
      }
      Optional.ofNullable(frame.getString("channelId")).ifPresent(ch -> error.put("channelId", ch));
      node.metrics.frameError(type, error.getString("code"));
      c.send(error);
    });
  }

  void refuse(Connection c, String type, Frames.Refused refused) {
    node.metrics.frameError(type, refused.code);
    c.send(Frames.error(Optional.empty(), refused));
  }

  private Future<Void> act(Connection c, String type, Optional<String> id, JsonObject frame) {
    return switch (type) {
      case "ping" -> {
        c.send(Frames.reply("pong", id));
        yield Future.succeededFuture();
      }
      case "send" -> send(c, id, frame);
      case "subscribe" -> subscribe(c, id, frame);
      case "unsubscribe" -> {
        String channelId = Frames.string(frame, "channelId", Frames.MAX_CHANNEL_ID);
        hub.unsubscribe(c, channelId);
        c.optOut(channelId, true);
        c.send(Frames.reply("unsubscribed", id).put("channelId", channelId));
        yield Future.succeededFuture();
      }
      case "resume" -> resume(c, id, frame);
      case "typing" -> typing(c, frame);
      case "presence" -> presence(c, frame);
      case "presence.subscribe" -> watch(c, id, frame);
      case "auth" -> auth(c, id, frame);
      default -> node.frames.find(type).map(handler -> hub.here(handler.handle(new ModuleFrame(hub, c, id, frame))))
          .orElseThrow(() -> new Frames.Refused("unknown_type", 400, "unknown frame type"));
    };
  }

  private Future<Void> send(Connection c, Optional<String> id, JsonObject frame) {
    requireScope(c, "write");
    String channelId = Frames.string(frame, "channelId", Frames.MAX_CHANNEL_ID);
    String clientId = Frames.string(frame, "clientId", 64);
    Object body = frame.getValue("body");
    if (!(body instanceof String text)) {
      throw Frames.Refused.badInput("'body' is required: the message text");
    }
    Optional<String> root = Frames.optionalString(frame, "threadRootId", Frames.MAX_CHANNEL_ID);
    return hub.here(node.chat.send(c.caller, channelId, text, clientId, root)).map(sent -> {
      c.send(Frames.reply("ack", id).put("channelId", channelId).put("seq", sent.seq())
          .put("messageId", sent.messageId()).put("duplicate", sent.duplicate()));
      return null;
    });
  }

  private Future<Void> subscribe(Connection c, Optional<String> id, JsonObject frame) {
    String channelId = Frames.string(frame, "channelId", Frames.MAX_CHANNEL_ID);
    return hub.here(node.chat.readable(c.caller, channelId)).compose(v -> hub.subscribe(c, channelId, false))
        .map(position -> {
          c.optOut(channelId, false);
          c.send(Frames.reply("subscribed", id).put("channelId", channelId).put("lastSeq", position));
          return null;
        });
  }

  private Future<Void> resume(Connection c, Optional<String> id, JsonObject frame) {
    if (!(frame.getValue("channels") instanceof JsonObject channels)) {
      throw Frames.Refused.badInput("'channels' is required: an object of channel id to last seq held");
    }
    if (channels.size() > MAX_RESUME_CHANNELS) {
      throw Frames.Refused.badInput("at most " + MAX_RESUME_CHANNELS + " channels per resume");
    }
    Map<String, Long> from = new LinkedHashMap<>();
    for (String channelId : channels.fieldNames()) {
      if (channelId.isEmpty() || channelId.length() > Frames.MAX_CHANNEL_ID) {
        throw Frames.Refused.badInput("channel ids are 1 to " + Frames.MAX_CHANNEL_ID + " characters");
      }
      from.put(channelId, Frames.seq(channels.getValue(channelId), "the seq of " + channelId));
    }
    for (String channelId : from.keySet()) {
      Connection.Delivery d = c.channels.get(channelId);
      if (d != null && d.resuming) {
        throw new Frames.Refused("conflict", 409, "a resume of channel " + channelId + " is running");
      }
    }
    hub.start(c, from.keySet());
    // One channel after the other: a reconnecting crowd reads the store at a bounded pace.
    Future<Void> done = Future.succeededFuture();
    for (Map.Entry<String, Long> entry : from.entrySet()) {
      done = done.compose(v -> new Replay(hub, c, entry.getKey(), entry.getValue(), id, true).run()
          .recover(e -> {
            JsonObject error = Frames.error(id, e).put("channelId", entry.getKey());
            node.metrics.frameError("resume", error.getString("code"));
            c.send(error);
            return Future.succeededFuture();
          }));
    }
    return done;
  }

  private Future<Void> typing(Connection c, JsonObject frame) {
    requireScope(c, "write");
    String channelId = Frames.string(frame, "channelId", Frames.MAX_CHANNEL_ID);
    Optional<String> root = Frames.optionalString(frame, "threadRootId", Frames.MAX_CHANNEL_ID);
    if (!c.typing.pass(channelId + root.map(r -> "/" + r).orElse(""), hub.now())) {
      return Future.succeededFuture();
    }
    return hub.here(node.chat.member(c.caller, channelId)).map(v -> {
      JsonObject typing = new JsonObject().put("type", "typing").put("channelId", channelId).put("userId", c.userId());
      root.ifPresent(r -> typing.put("threadRootId", r));
      node.bus.publish(Bus.channelTopic(channelId), typing);
      return null;
    });
  }

  private Future<Void> presence(Connection c, JsonObject frame) {
    String value = Frames.string(frame, "status", 16);
    Presence.Status status = Presence.Status.settable(value)
        .orElseThrow(() -> Frames.Refused.badInput("'status' is online or away"));
    node.presence(c.userId(), c.id, Optional.of(status));
    return Future.succeededFuture();
  }

  private Future<Void> watch(Connection c, Optional<String> id, JsonObject frame) {
    if ("guest".equals(c.caller.role())) {
      throw new ProblemException.Forbidden("guests do not see presence");
    }
    if (!(frame.getValue("userIds") instanceof JsonArray ids) || ids.size() > MAX_WATCHED) {
      throw Frames.Refused.badInput("'userIds' is an array of at most " + MAX_WATCHED + " user ids");
    }
    Set<String> users = new LinkedHashSet<>();
    for (Object u : ids) {
      if (!(u instanceof String s) || s.isEmpty() || s.length() > 64) {
        throw Frames.Refused.badInput("'userIds' holds user ids (strings of 1 to 64 characters)");
      }
      users.add(s);
    }
    hub.watch(c, users);
    return hub.here(node.presenceOf(List.copyOf(users))).map(found -> {
      JsonObject statuses = new JsonObject();
      found.forEach((u, status) -> statuses.put(u, status.value()));
      c.send(Frames.reply("presence.subscribed", id).put("statuses", statuses));
      return null;
    });
  }

  private Future<Void> auth(Connection c, Optional<String> id, JsonObject frame) {
    String token = Frames.string(frame, "token", 4096);
    return hub.here(node.authenticator.authenticateToken(token)).map(caller -> {
      if (!caller.userId().equals(c.userId())) {
        throw new ProblemException.Forbidden("the new token belongs to another user; open a new connection");
      }
      hub.reauthenticated(c, caller, token);
      c.send(Frames.reply("ok", id));
      return null;
    });
  }

  private static void requireScope(Connection c, String scope) {
    if (!c.caller.hasScope(scope)) {
      throw new ProblemException.Forbidden("this token lacks the '" + scope + "' scope");
    }
  }
}
