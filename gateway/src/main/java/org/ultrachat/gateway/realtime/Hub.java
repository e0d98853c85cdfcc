package org.ultrachat.gateway.realtime;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.store.Database;

/**
 * The connection registry of one event loop: its sockets by user and session, and one feed per
 * channel that any of them follows. A feed subscribes to the channel's bus topic once, puts the
 * events in order ({@link ChannelSequencer}), encodes each once and writes it to every subscribed
 * socket. Everything here runs on the loop's context, so nothing needs a lock; what the node shares
 * across loops (limits, presence) lives in {@link Realtime}.
 */
final class Hub {
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
  /** Events read per store query, for resume replays and gap fills. */
  static final int PAGE = 100;
  /** How long an early event waits for the ones before it before the store is asked. */
  static final long GAP_GRACE_MS = 50;
  /** Users whose channels are read again at once after a bus reset: a node of 19,000 must not flood the pool. */
  static final int REJOIN_PARALLEL = 8;
  /** How long a draining hub waits for sends in flight before it closes the sockets anyway. */
  static final long DRAIN_CAP_MS = 10_000;
  static final long AUTH_RECHECK_MS = 60_000;
  /**
   * Initial capacity of the sets of connections per user, session, watched user and channel feed:
   * most hold one or two connections, and a default set's table of 16 would be most of its size.
   */
  private static final int SMALL = 2;

  final Realtime node;
  final Vertx vertx;
  final Context context;
  /** The event-loop thread everything of this hub runs on (under any of its contexts). */
  final Thread loop;
  final ClientFrames frames;
  private final Map<String, Feed> feeds = new HashMap<>();
  private final Map<String, Set<Connection>> byUser = new HashMap<>();
  private final Map<String, Bus.Subscription> userTopics = new HashMap<>();
  private final Map<String, Set<Connection>> bySession = new HashMap<>();
  private final Map<String, Set<Connection>> watchers = new HashMap<>();
  private final Map<String, Bus.Subscription> presenceTopics = new HashMap<>();
  /** The last status delivered to this loop's watchers of each watched user, when one was. */
  private final Map<String, String> presenceSent = new HashMap<>();
  private Promise<Void> drained;
  private String drainReason;
  /** While draining: the connections not yet closed or closing (a set, so each event costs O(1)). */
  private final Set<Connection> toClose = new HashSet<>();
  private final Set<Connection> all = new LinkedHashSet<>();

  /** One channel followed by sockets of this loop. */
  final class Feed {
    final String channelId;
    final ChannelSequencer sequencer = new ChannelSequencer();
    final Set<Connection> subscribers = new LinkedHashSet<>(SMALL);
    /** The subscribers as an array, rebuilt when they change (rarely) rather than copied per event (often). */
    Connection[] snapshot = new Connection[0];
    Bus.Subscription subscription;
    Future<Void> anchored;
    long gapTimer = -1;
    boolean filling;

    Feed(String channelId) {
      this.channelId = channelId;
    }
  }

  Hub(Realtime node, Vertx vertx, Context context, Thread loop) {
    this.loop = loop;
    this.node = node;
    this.vertx = vertx;
    this.context = context;
    this.frames = new ClientFrames(this);
    node.bus.subscribe(Bus.CREDENTIALS_TOPIC, this::credentialsChanged);
    long sweep = Math.max(50, Math.min(1_000, node.options.heartbeatMs() / 5));
    vertx.setPeriodic(sweep, id -> sweep());
  }

  /** @return a future completing on this loop, whatever context completes the given one */
  <T> Future<T> here(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(result -> {
      if (Thread.currentThread() == loop) {
        promise.handle(result);
      } else {
        context.runOnContext(v -> promise.handle(result));
      }
    });
    return promise.future();
  }

  long now() {
    return System.currentTimeMillis();
  }

  // ---- connections

  void open(ServerWebSocket ws, Caller caller, String token, String address) {
    ws.pause();
    ws.setWriteQueueMaxSize(node.options.outboundBufferBytes());
    Connection[] self = new Connection[1];
    Connection c = new Connection(Socket.of(ws, loop, context), caller, token, address, now(), node.options, node.metrics,
        () -> slowConsumer(self[0]));
    self[0] = c;
    all.add(c);
    node.metrics.connections.incrementAndGet();
    byUser.computeIfAbsent(c.userId(), u -> {
      userTopics.put(u, node.bus.subscribe(Bus.userTopic(u), e -> personalEvent(u, e)));
      return new LinkedHashSet<>(SMALL);
    }).add(c);
    caller.sessionId().ifPresent(s -> bySession.computeIfAbsent(s, k -> new LinkedHashSet<>(SMALL)).add(c));
    ws.textMessageHandler(text -> frames.handle(c, text));
    ws.binaryMessageHandler(b -> frames.refuse(c, "invalid", new Frames.Refused("bad_frame", 400, "frames are JSON text")));
    ws.pongHandler(b -> c.heartbeat.heard(now()));
    ws.exceptionHandler(e -> {
      if (e instanceof CorruptedWebSocketFrameException || e instanceof IllegalStateException) {
        // Over the hard cap (a frame, or a message in fragments): nothing of it is read.
        frames.refuse(c, "invalid", new Frames.Refused("too_large", 413, "frame over the hard cap"));
        c.close(1009, "frame over " + node.options.hardFrameCap() + " bytes");
      } else {
        LOG.atDebug().setCause(e).addKeyValue("connection", c.id).log("WebSocket error");
      }
    });
    ws.closeHandler(v -> closed(c));
    node.presence(c.userId(), c.id, Optional.of(Presence.Status.ONLINE));

    here(node.chat.memberChannels(c.userId())).compose(ids -> {
      List<Future<Long>> anchored = new ArrayList<>();
      for (String channelId : ids) {
        anchored.add(subscribe(c, channelId, true));
      }
      return Future.all(anchored).map(done -> ids);
    }).onSuccess(ids -> hello(c, ws)).onFailure(e -> {
      if (!Database.isUnavailable(e)) {
        LOG.atWarn().setCause(e).addKeyValue("connection", c.id).log("could not open the channels of a connection");
      }
      c.send(Frames.error(Optional.empty(), "unavailable", 503, "the server cannot load your channels now; reconnect later"));
      c.close(1011, "unavailable");
    });
  }

  private void hello(Connection c, ServerWebSocket ws) {
    if (c.closed) {
      return;
    }
    JsonArray channels = new JsonArray();
    c.channels.forEach((channelId, d) -> {
      long position = feeds.get(channelId).sequencer.position();
      // Held events up to here are in the store: the client has them from history, or resumes.
      d.lastSent = Math.max(d.lastSent, position);
      channels.add(new JsonObject().put("channelId", channelId).put("lastSeq", position));
    });
    c.send(new JsonObject().put("type", "hello").put("v", 1).put("connectionId", c.id).put("userId", c.userId())
        .put("channels", channels).put("heartbeatMs", node.options.heartbeatMs())
        .put("idleTimeoutMs", node.options.idleTimeoutMs()).put("maxFrameBytes", node.options.maxFrameBytes()));
    c.ready = true;
    // Personal events that came while connecting (a membership added meanwhile among them).
    for (JsonObject early : c.takeEarly()) {
      personal(c, early, Frames.event(early));
    }
    // Frames the client sent before hello were held by the paused socket; they run now.
    ws.resume();
  }

  /** Stops holding live events for channels the client did not resume: its first resume came, or the wait ended. */
  void start(Connection c, Set<String> resuming) {
    if (c.started) {
      return;
    }
    c.started = true;
    c.channels.forEach((channelId, d) -> {
      if (!resuming.contains(channelId) && !d.resuming) {
        c.release(d);
      }
    });
  }

  private void closed(Connection c) {
    c.closed = true;
    if (!all.remove(c)) {
      return;
    }
    toClose.remove(c);
    checkDrained();
    node.metrics.connections.decrementAndGet();
    node.limits.close(c.userId(), c.address);
    for (String channelId : List.copyOf(c.channels.keySet())) {
      unsubscribe(c, channelId);
    }
    watch(c, Set.of());
    removeFrom(byUser, c.userId(), c, () -> userTopics.remove(c.userId()).cancel());
    c.caller.sessionId().ifPresent(s -> removeFrom(bySession, s, c, () -> { }));
    node.presence(c.userId(), c.id, Optional.empty());
  }

  private static void removeFrom(Map<String, Set<Connection>> index, String key, Connection c, Runnable whenEmpty) {
    Set<Connection> set = index.get(key);
    if (set != null && set.remove(c) && set.isEmpty()) {
      index.remove(key);
      whenEmpty.run();
    }
  }

  private void slowConsumer(Connection c) {
    if (!c.closed) {
      node.metrics.slowConsumers.increment();
      LOG.atInfo().addKeyValue("connection", c.id).addKeyValue("user", c.userId())
          .log("closing a slow consumer: its outbound buffer is full");
      c.close(4008, "slow consumer: outbound buffer full; reconnect and resume");
    }
  }

  /**
   * Drains the hub for a shutdown: tells every client to reconnect elsewhere after a jittered
   * delay, refuses new sends from then on, and closes each socket once the frames it sent before
   * are answered (a send in flight ends as its ack or its error), or after {@link #DRAIN_CAP_MS}.
   *
   * @return done when every socket of this hub is closed or closing
   */
  Future<Void> goAway(String reason) {
    if (drained == null) {
      drained = Promise.promise();
      drainReason = reason;
      all.stream().filter(c -> !c.closed).forEach(toClose::add);
      for (Connection c : List.copyOf(toClose)) {
        c.send(new JsonObject().put("type", "goaway").put("reason", reason)
            .put("reconnectAfterMs", ThreadLocalRandom.current().nextLong(500, 10_000)));
        settled(c);
      }
      long cap = vertx.setTimer(DRAIN_CAP_MS, id -> {
        List.copyOf(all).forEach(c -> c.close(1001, reason));
        drained.tryComplete();
      });
      drained.future().onComplete(done -> vertx.cancelTimer(cap));
      checkDrained();
    }
    return drained.future();
  }

  boolean draining() {
    return drained != null;
  }

  /** A frame of the connection was answered: while draining, a connection with nothing in flight is closed. */
  void settled(Connection c) {
    if (drained != null && c.inFlight == 0 && !c.closed) {
      c.close(1001, drainReason);
    }
    if (c.closed) {
      toClose.remove(c);
    }
    checkDrained();
  }

  private void checkDrained() {
    if (drained != null && toClose.isEmpty()) {
      drained.tryComplete();
    }
  }

  // ---- channel feeds

  /**
   * Adds a channel to a connection. With {@code hold}, live events of the channel wait (until a
   * resume has replayed what came before them, or the client says it needs no replay).
   *
   * @return the feed's position once it is anchored: later events reach the connection live
   */
  Future<Long> subscribe(Connection c, String channelId, boolean hold) {
    Feed feed = feeds.computeIfAbsent(channelId, this::newFeed);
    Connection.Delivery d = c.channels.get(channelId);
    if (d == null) {
      d = new Connection.Delivery();
      c.channels.put(channelId, d);
      feed.subscribers.add(c);
      feed.snapshot = feed.subscribers.toArray(new Connection[0]);
      node.metrics.subscriptions.incrementAndGet();
      if (hold) {
        d.held = new ArrayDeque<>();
      } else {
        // Live from the feed's position on; before anchoring, the feed passes nothing anyway.
        d.lastSent = feed.sequencer.position();
      }
    } else if (hold && d.held == null) {
      d.held = new ArrayDeque<>();
    }
    return feed.anchored.map(v -> feed.sequencer.position());
  }

  void unsubscribe(Connection c, String channelId) {
    if (c.channels.remove(channelId) == null) {
      return;
    }
    node.metrics.subscriptions.decrementAndGet();
    Feed feed = feeds.get(channelId);
    if (feed != null && feed.subscribers.remove(c)) {
      feed.snapshot = feed.subscribers.toArray(new Connection[0]);
    }
    if (feed != null && feed.subscribers.isEmpty() && feeds.get(channelId) == feed) {
      feeds.remove(channelId);
      feed.subscription.cancel();
      if (feed.gapTimer >= 0) {
        vertx.cancelTimer(feed.gapTimer);
      }
    }
  }

  Optional<Feed> feed(String channelId) {
    return Optional.ofNullable(feeds.get(channelId));
  }

  private Feed newFeed(String channelId) {
    Feed feed = new Feed(channelId);
    feed.subscription = node.bus.subscribe(Bus.channelTopic(channelId), e -> channelEvent(feed, e));
    // Anchor after subscribing: every event after the seq read here reaches the feed live.
    feed.anchored = here(node.chat.lastSeq(channelId)).map(last -> {
      if (last < 0) {
        throw new IllegalStateException("no channel " + channelId);
      }
      pass(feed, feed.sequencer.anchor(last));
      return null;
    });
    feed.anchored.onFailure(e -> {
      // Forget the broken feed so that the next subscriber tries again.
      if (feeds.get(channelId) == feed) {
        for (Connection c : List.copyOf(feed.subscribers)) {
          unsubscribe(c, channelId);
        }
      }
    });
    return feed;
  }

  private void channelEvent(Feed feed, JsonObject event) {
    node.metrics.eventsIn.increment();
    if (feeds.get(feed.channelId) != feed) {
      return;
    }
    if (!(event.getValue("seq") instanceof Number)) {
      // Typing: ephemeral, unordered, never stored.
      String text = event.encode();
      String from = event.getString("userId");
      for (Connection c : feed.subscribers) {
        if (!c.userId().equals(from) && c.ready) {
          c.write(text);
        }
      }
      return;
    }
    pass(feed, feed.sequencer.offer(event));
    if (feed.sequencer.hasGap()) {
      scheduleFill(feed);
    }
  }

  /** Writes ordered events to the feed's subscribers, each encoded once. */
  private void pass(Feed feed, List<JsonObject> events) {
    for (JsonObject event : events) {
      long seq = event.getLong("seq");
      String text = Frames.event(event);
      for (Connection c : feed.snapshot) {
        c.deliver(feed.channelId, seq, text);
      }
      String type = event.getString("type", "");
      if (type.equals("member.removed") || type.equals("member.left")) {
        String userId = event.getString("userId");
        for (Connection c : List.copyOf(byUser.getOrDefault(userId, Set.of()))) {
          c.departed(feed.channelId, seq);
          unsubscribe(c, feed.channelId);
        }
      }
    }
  }

  /**
   * The bus may have lost events (its link to other nodes dropped or came back; any thread): each
   * followed channel reads what the store has after its position, so its subscribers get what was
   * missed in order, without having to resume. The sequencer drops what they already have.
   */
  void busReset() {
    context.runOnContext(v -> {
      List.copyOf(feeds.values()).forEach(this::catchUp);
      rejoin(new ArrayDeque<>(byUser.keySet()));
      repairPresence();
    });
  }

  /**
   * Presence changes announced while the bus was cut are lost too: the watched users' statuses
   * are read again and the watchers told of each that differs from the last one they got. While
   * Redis is down (the reset as the link drops) the read fails and nothing is sent; the reset
   * when the link is back repairs.
   */
  private void repairPresence() {
    if (watchers.isEmpty()) {
      return;
    }
    here(node.presenceAcrossCluster(List.copyOf(watchers.keySet()))).onSuccess(statuses ->
        statuses.forEach((userId, status) -> {
          if (watchers.containsKey(userId) && !status.value().equals(presenceSent.get(userId))) {
            presenceChanged(userId, Realtime.presenceEvent(userId, status));
          }
        }));
  }

  /**
   * Personal events have no stream to read again; the one whose loss matters is being added to a
   * channel, which subscribes the user's connections. So each connected user's memberships are
   * read again, a few users at a time, and a channel the connection does not follow (and did not
   * leave by choice) is followed from now, with a {@code subscribed} frame whose {@code lastSeq}
   * says that what came before is history, as for a {@code subscribe}.
   */
  private void rejoin(Deque<String> users) {
    for (int i = 0; i < REJOIN_PARALLEL; i++) {
      rejoinNext(users);
    }
  }

  private void rejoinNext(Deque<String> users) {
    String userId = users.pollFirst();
    if (userId == null) {
      return;
    }
    if (!byUser.containsKey(userId)) {
      rejoinNext(users);
      return;
    }
    here(node.chat.memberChannels(userId)).onComplete(read -> {
      if (read.succeeded()) {
        for (Connection c : List.copyOf(byUser.getOrDefault(userId, Set.of()))) {
          for (String channelId : read.result()) {
            if (c.ready && !c.channels.containsKey(channelId) && !c.optedOut(channelId)) {
              node.metrics.rejoins.increment();
              here(node.chat.lastSeq(channelId)).onSuccess(seq -> {
                if (!c.closed && seq >= 0) {
                  joined(c, channelId, seq);
                }
              });
            }
          }
        }
      } else {
        LOG.atWarn().setCause(read.cause()).addKeyValue("user", userId)
            .log("reading a user's channels after a bus reset failed; their new channels wait for a reconnect");
      }
      rejoinNext(users);
    });
  }

  private void catchUp(Feed feed) {
    if (feeds.get(feed.channelId) != feed) {
      return;
    }
    if (feed.filling || !feed.sequencer.anchored()) {
      // A fill or the first anchoring is reading the store now; look again once it is done.
      vertx.setTimer(GAP_GRACE_MS, id -> catchUp(feed));
      return;
    }
    feed.filling = true;
    long from = feed.sequencer.position();
    node.metrics.gapFills.increment();
    here(node.chat.events(feed.channelId, from, PAGE)).onComplete(read -> {
      feed.filling = false;
      if (read.succeeded()) {
        pass(feed, feed.sequencer.fill(read.result()));
        if (read.result().size() == PAGE) {
          catchUp(feed);
        }
      } else {
        LOG.atWarn().setCause(read.cause()).addKeyValue("channel", feed.channelId)
            .log("catching up after a bus reset failed; retrying");
        vertx.setTimer(GAP_GRACE_MS * 20, id -> catchUp(feed));
      }
      if (feed.sequencer.hasGap()) {
        scheduleFill(feed);
      }
    });
  }

  private void scheduleFill(Feed feed) {
    if (feed.filling || feed.gapTimer >= 0) {
      return;
    }
    feed.gapTimer = vertx.setTimer(GAP_GRACE_MS, id -> {
      feed.gapTimer = -1;
      fill(feed);
    });
  }

  private void fill(Feed feed) {
    if (!feed.sequencer.hasGap() || feeds.get(feed.channelId) != feed) {
      return;
    }
    feed.filling = true;
    long from = feed.sequencer.position();
    long to = feed.sequencer.gapEnd();
    node.metrics.gapFills.increment();
    here(node.chat.events(feed.channelId, from, (int) Math.min(PAGE, to - from))).onComplete(read -> {
      feed.filling = false;
      if (read.succeeded()) {
        pass(feed, feed.sequencer.fill(read.result()));
        if (feed.sequencer.hasGap() && feed.sequencer.position() == from) {
          // The store no longer has what is missing (retention): skip it and tell the clients.
          LOG.atWarn().addKeyValue("channel", feed.channelId).addKeyValue("after", from)
              .log("events missing from the store; subscribers are told to resync");
          for (Connection c : feed.subscribers) {
            c.send(new JsonObject().put("type", "resync").put("channelId", feed.channelId)
                .put("reason", "events after " + from + " are no longer stored").put("lastSeq", to + 1));
          }
          pass(feed, feed.sequencer.skipGap());
        }
      } else {
        LOG.atWarn().setCause(read.cause()).addKeyValue("channel", feed.channelId).log("gap fill failed; retrying");
      }
      if (feed.sequencer.hasGap()) {
        scheduleFill(feed);
      }
    });
  }

  // ---- personal events, presence, credentials

  private void personalEvent(String userId, JsonObject event) {
    node.metrics.eventsIn.increment();
    String text = Frames.event(event);
    for (Connection c : List.copyOf(byUser.getOrDefault(userId, Set.of()))) {
      if (c.ready) {
        personal(c, event, text);
      } else if (!c.early(event)) {
        // More personal events than a connect takes: better a fresh start than a silent loss.
        c.close(1013, "too many events while connecting; reconnect");
      }
    }
  }

  /** Writes a personal event to a connection and applies what it says about the user's memberships. */
  private void personal(Connection c, JsonObject event, String text) {
    String type = event.getString("type", "");
    String channelId = event.getString("channelId");
    boolean aboutMe = c.userId().equals(event.getString("userId"));
    Object seq = event.getValue("seq");
    // Membership changes are channel events copied to the user; a mention only points at the seq
    // of its message, whose own event it must not displace in the channel's stream.
    boolean channelCopy = seq instanceof Number && channelId != null && type.startsWith("member.");
    if (channelCopy && c.channels.containsKey(channelId)) {
      // A copy of a channel event: it goes the channel's way, once and in order.
      c.deliver(channelId, ((Number) seq).longValue(), text);
    } else if (!(seq instanceof Number n && channelId != null && c.departedAfter(channelId, n.longValue()))) {
      c.write(text);
    }
    if (aboutMe && channelId != null && (type.equals("member.added") || type.equals("member.joined"))) {
      // A new channel's own member.added carries no seq: everything from its start follows.
      joined(c, channelId, seq instanceof Number n ? n.longValue() : 0);
    } else if (aboutMe && channelId != null && (type.equals("member.removed") || type.equals("member.left"))) {
      if (seq instanceof Number n) {
        c.departed(channelId, n.longValue());
      }
      unsubscribe(c, channelId);
    }
  }

  /**
   * Follows a channel the user was just added to, from the seq of the membership change: what was
   * posted between that commit and this moment is replayed, not left to history.
   */
  private void joined(Connection c, String channelId, long from) {
    if (c.channels.containsKey(channelId)) {
      return;
    }
    c.send(new JsonObject().put("type", "subscribed").put("channelId", channelId).put("lastSeq", from));
    new Replay(this, c, channelId, from, Optional.empty(), false).run().onFailure(e -> {
      JsonObject error = Frames.error(Optional.empty(), e).put("channelId", channelId);
      c.send(error);
    });
  }

  /** Replaces the users a connection watches the presence of. */
  void watch(Connection c, Set<String> userIds) {
    for (String u : c.watching) {
      if (!userIds.contains(u)) {
        removeFrom(watchers, u, c, () -> {
          presenceTopics.remove(u).cancel();
          presenceSent.remove(u);
        });
      }
    }
    for (String u : userIds) {
      watchers.computeIfAbsent(u, k -> {
        presenceTopics.put(k, node.bus.subscribe(Realtime.presenceTopic(k), e -> presenceChanged(k, e)));
        return new LinkedHashSet<>(SMALL);
      }).add(c);
    }
    c.watching = Set.copyOf(userIds);
  }

  private void presenceChanged(String userId, JsonObject event) {
    presenceSent.put(userId, event.getString("status"));
    String text = event.encode();
    for (Connection c : watchers.getOrDefault(userId, Set.of())) {
      c.write(text);
    }
  }

  private void credentialsChanged(JsonObject change) {
    // The event may come from another node before this node's caches heard of it: forget first.
    node.authenticator.forget(change);
    List<Connection> affected = new ArrayList<>();
    Optional.ofNullable(change.getString("userId")).map(byUser::get).ifPresent(affected::addAll);
    Optional.ofNullable(change.getString("sessionId")).map(bySession::get).ifPresent(affected::addAll);
    affected.forEach(this::recheck);
  }

  /** Moves a connection to a new credential of the same user (the client's {@code auth} frame). */
  void reauthenticated(Connection c, Caller caller, String token) {
    c.caller.sessionId().ifPresent(s -> removeFrom(bySession, s, c, () -> { }));
    c.caller = caller;
    c.token = token;
    c.lastAuthCheck = now();
    caller.sessionId().ifPresent(s -> bySession.computeIfAbsent(s, k -> new LinkedHashSet<>(SMALL)).add(c));
  }

  /** Checks the connection's credential again; a revoked one closes the socket (4001). */
  void recheck(Connection c) {
    c.lastAuthCheck = now();
    here(node.authenticator.authenticateToken(c.token)).onComplete(checked -> {
      if (checked.failed()) {
        c.close(4001, "credential no longer valid: " + checked.cause().getMessage());
      } else {
        c.caller = checked.result();
      }
    });
  }

  private void sweep() {
    long now = now();
    for (Connection c : List.copyOf(all)) {
      switch (c.heartbeat.check(now)) {
        case PING -> c.socket.ping();
        case CLOSE -> c.close(4000, "idle timeout");
        case NONE -> { }
      }
      if (!c.closed && now - c.lastAuthCheck >= AUTH_RECHECK_MS) {
        recheck(c);
      }
      if (c.ready && !c.started && now - c.openedAt >= node.options.resumeWaitMs()) {
        start(c, Set.of());
      }
    }
  }
}
