package org.ultrachat.gateway.realtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.ratelimit.ClientAddress;
import org.ultrachat.platform.redis.RedisNamespace;
import org.ultrachat.platform.seam.ChatLink;
import org.ultrachat.platform.service.FrameTypes;

/**
 * The real-time gateway of a node: the WebSocket handshake at {@link #PATH}, and what the node's
 * event loops share (options, meters, connection limits, presence). Each event loop gets its own
 * {@link Hub} for the connections it serves.
 */
public final class Realtime {
  public static final String PATH = "/v1/realtime";
  /** The WebSocket subprotocol of this protocol version. */
  public static final String SUBPROTOCOL = "ultrachat.v1";
  private static final String BEARER_PROTOCOL = "bearer.";
  private static final Logger LOG = LoggerFactory.getLogger(Realtime.class);

  /** A hook the tests use to make a resume race with new posts: runs after each replayed page. */
  @FunctionalInterface
  public interface ReplayGate {
    Future<Void> afterPage(String channelId, long lastSeqRead);
  }

  final RealtimeOptions options;
  final RealtimeMetrics metrics;
  final ConnectionLimits limits;
  final Presence presence = new Presence();
  private volatile boolean draining;
  final ChatLink chat;
  final Authenticator authenticator;
  final Bus bus;
  final FrameTypes frames;
  private final Optional<ClusterPresence> cluster;
  /**
   * One hub per event-loop thread. Not per context: Vert.x gives every HTTP connection a context of
   * its own (a duplicate of its loop's), and a hub per connection would subscribe, time and encode
   * per connection (the connections benchmark found 24,000 hubs for 5,000 sockets).
   */
  private final ConcurrentHashMap<Thread, Hub> hubs = new ConcurrentHashMap<>();
  private volatile ReplayGate replayGate;

  private Realtime(Vertx vertx, RealtimeOptions options, MeterRegistry registry, ChatLink chat,
                   Authenticator authenticator, Bus bus, Optional<Redis> redis, RedisNamespace namespace,
                   FrameTypes frames) {
    this.frames = frames;
    this.options = options;
    this.metrics = new RealtimeMetrics(registry);
    this.limits = new ConnectionLimits(options.connectionsPerUser(), options.connectionsPerAddress());
    this.chat = chat;
    this.authenticator = authenticator;
    this.bus = bus;
    this.cluster = redis.map(r -> new ClusterPresence(r, namespace, this::announce));
    // A bus that lost its link may have dropped events: every hub catches up its channels from the
    // store and its watched users' presence from Redis, and this node states its users' presence
    // again (it may have been taken for dead, and its announcements meanwhile were lost).
    bus.onReset(() -> {
      hubs.values().forEach(Hub::busReset);
      cluster.ifPresent(c -> c.restate(presence.here()).onFailure(e -> LOG.info(
          "presence not stated again yet ({}); the next heartbeat tries again", e.toString())));
    });
    // Entries of this node's users live TTL_MS in Redis: renew them well before.
    cluster.ifPresent(c -> vertx.setPeriodic(ClusterPresence.HEARTBEAT_MS, id -> c.heartbeat(presence.here())));
  }

  /**
   * @param redis     where presence is shared with the other nodes of a cluster; empty: this node's
   *                  own view only
   * @param namespace the installation's names in that Redis
   * @param frames    the frame types modules handle; the gateway's own are reserved in it
   * @throws org.ultrachat.platform.config.ConfigException when a realtime setting is out of range
   */
  public static Realtime create(Vertx vertx, Config config, MeterRegistry registry, ChatLink chat,
                                Authenticator authenticator, Bus bus, Optional<Redis> redis,
                                RedisNamespace namespace, FrameTypes frames) {
    frames.reserve(Frames.CLIENT_TYPES);
    return new Realtime(vertx, RealtimeOptions.of(config), registry, chat, authenticator, bus, redis, namespace, frames);
  }

  /** Sets the WebSocket limits this protocol needs on an HTTP server. */
  public HttpServerOptions configure(HttpServerOptions server) {
    return server.setWebSocketSubProtocols(List.of(SUBPROTOCOL))
        .setMaxWebSocketFrameSize(options.hardFrameCap())
        .setMaxWebSocketMessageSize(options.hardFrameCap());
  }

  /** Installs (or, with null, removes) the replay hook; for tests. */
  public void replayGate(ReplayGate gate) {
    this.replayGate = gate;
  }

  ReplayGate replayGate() {
    return replayGate;
  }

  static String presenceTopic(String userId) {
    return "presence." + userId;
  }

  /**
   * Records a connection's presence (empty: it closed) and, when the user's status on this node
   * changed, announces the user's status: across the cluster when presence is in Redis (another
   * node may still see the user online), else this node's.
   */
  void presence(String userId, String connectionId, Optional<Presence.Status> status) {
    Optional<Presence.Status> changed = status.isPresent()
        ? presence.set(userId, connectionId, status.get()) : presence.remove(userId, connectionId);
    changed.ifPresent(here -> cluster.map(c -> c.record(userId, here).otherwise(here))
        .orElse(Future.succeededFuture(here))
        .onSuccess(s -> announce(userId, s)));
  }

  private void announce(String userId, Presence.Status status) {
    bus.publish(presenceTopic(userId), presenceEvent(userId, status));
  }

  /** @return the {@code presence} event telling a user's status */
  static JsonObject presenceEvent(String userId, Presence.Status status) {
    return new JsonObject().put("type", "presence").put("userId", userId).put("status", status.value());
  }

  /** @return the users' statuses: across the cluster when presence is in Redis (this node's if Redis fails) */
  Future<Map<String, Presence.Status>> presenceOf(List<String> userIds) {
    Map<String, Presence.Status> here = presenceHere(userIds);
    return cluster.map(c -> c.statuses(userIds).otherwise(here)).orElse(Future.succeededFuture(here));
  }

  /**
   * @return the users' statuses across the cluster, failing while Redis does: a repair must not
   *     take users of other nodes for offline
   */
  Future<Map<String, Presence.Status>> presenceAcrossCluster(List<String> userIds) {
    return cluster.map(c -> c.statuses(userIds)).orElseGet(() -> Future.succeededFuture(presenceHere(userIds)));
  }

  private Map<String, Presence.Status> presenceHere(List<String> userIds) {
    Map<String, Presence.Status> here = new LinkedHashMap<>();
    userIds.forEach(u -> here.put(u, presence.of(u)));
    return here;
  }

  /**
   * Drains the node's WebSockets for a shutdown: refuses new connections and new sends, tells
   * every client to reconnect elsewhere (with jitter), and closes each socket once its sends in
   * flight are acked or failed.
   *
   * @return done when every socket is closed or closing (at most {@link Hub#DRAIN_CAP_MS} later)
   */
  public Future<Void> goAway(String reason) {
    draining = true;
    List<Future<Void>> done = new ArrayList<>();
    hubs.forEach((thread, hub) -> {
      Promise<Void> p = Promise.promise();
      hub.context.runOnContext(v -> hub.goAway(reason).onComplete(p));
      done.add(p.future());
    });
    return Future.all(done).mapEmpty();
  }

  /** The handshake: Origin, credential, connection limits, then the upgrade. Runs before any body handling. */
  public void handshake(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (draining) {
      metrics.refused("draining");
      ctx.fail(new ProblemException.Unavailable("the server is shutting down; connect to another node"));
      return;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !originAllowed(origin, request)) {
      metrics.refused("origin");
      ctx.fail(new ProblemException.Forbidden("WebSockets from this origin are not allowed; see cors-origins"));
      return;
    }
    if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      ctx.fail(new ProblemException.BadInput("this route opens a WebSocket (Upgrade: websocket)"));
      return;
    }
    Optional<String> token = token(request);
    if (token.isEmpty()) {
      metrics.refused("unauthorized");
      ctx.fail(new ProblemException.Unauthorized("send 'Authorization: Bearer <token>' or the WebSocket subprotocols '"
          + SUBPROTOCOL + "' and 'bearer.<token>'"));
      return;
    }
    Context context = Vertx.currentContext();
    Hub hub = hubs.computeIfAbsent(Thread.currentThread(), thread -> new Hub(this, ctx.vertx(), context, thread));
    request.pause();
    hub.here(authenticator.authenticateToken(token.get())).onComplete(checked -> {
      if (checked.failed()) {
        request.resume();
        metrics.refused("unauthorized");
        ctx.fail(checked.cause());
        return;
      }
      Authenticator.Caller caller = checked.result();
      if (!caller.hasScope("read")) {
        request.resume();
        ctx.fail(new ProblemException.Forbidden("this token lacks the 'read' scope"));
        return;
      }
      String address = Optional.<String>ofNullable(ctx.get(ClientAddress.KEY)).orElse("unknown");
      if (!limits.open(caller.userId(), address)) {
        request.resume();
        metrics.refused("limit");
        ctx.fail(new ProblemException.TooManyRequests("too many open connections for this user or address", 5));
        return;
      }
      Optional<ChannelPipeline> pipeline = UpgradeRelease.pipeline(request);
      request.toWebSocket().onSuccess(ws -> {
        UpgradeRelease.release(ws, pipeline);
        hub.open(ws, caller, token.get(), address);
      }).onFailure(e -> {
        limits.close(caller.userId(), address);
        if (!ctx.response().ended() && !ctx.failed()) {
          ctx.fail(new ProblemException.BadInput("the WebSocket handshake failed: " + e.getMessage()));
        }
      });
    });
  }

  private static Optional<String> token(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.length() <= 4096 && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(header.substring(7).trim());
    }
    String protocols = request.getHeader("Sec-WebSocket-Protocol");
    if (protocols != null && protocols.length() <= 8192) {
      for (String p : protocols.split(",")) {
        String candidate = p.trim();
        if (candidate.startsWith(BEARER_PROTOCOL) && candidate.length() > BEARER_PROTOCOL.length()) {
          return Optional.of(candidate.substring(BEARER_PROTOCOL.length()));
        }
      }
    }
    return Optional.empty();
  }

  /** Same origin as the request's host, or in the CORS allowlist. */
  private boolean originAllowed(String origin, HttpServerRequest request) {
    if (options.allowedOrigins().contains(origin)) {
      return true;
    }
    String host = request.getHeader(HttpHeaders.HOST);
    if (host == null) {
      return false;
    }
    String bare = origin.toLowerCase(Locale.ROOT).replaceFirst("^https?://", "");
    return bare.equals(host.toLowerCase(Locale.ROOT));
  }
}
