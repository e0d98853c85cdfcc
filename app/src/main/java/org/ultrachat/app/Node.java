package org.ultrachat.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.util.Optional;
import org.ultrachat.auth.AuthModule;
import org.ultrachat.chat.ChatModule;
import org.ultrachat.gateway.Edge;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.cache.Caches;
import org.ultrachat.platform.bus.LocalBus;
import org.ultrachat.platform.bus.RedisBus;
import org.ultrachat.platform.search.BlindIndex;
import org.ultrachat.gateway.EdgeLimits;
import org.ultrachat.platform.audit.AuditLog;
import org.ultrachat.platform.crypto.DataProtection;
import org.ultrachat.platform.crypto.MasterKey;
import org.ultrachat.platform.ratelimit.RateLimit;
import org.ultrachat.platform.ratelimit.RateLimiter;
import org.ultrachat.gateway.Gateway;
import org.ultrachat.gateway.Upstream;
import org.ultrachat.gateway.remote.ClusterSecret;
import org.ultrachat.gateway.remote.InternalApi;
import org.ultrachat.gateway.remote.RemoteAuthenticator;
import org.ultrachat.gateway.remote.RemoteChatLink;
import org.ultrachat.gateway.remote.RemoteUserDirectory;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.gateway.realtime.ChatLink;
import org.ultrachat.gateway.realtime.Realtime;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.metrics.Metrics;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.GroupCommitWriter;
import org.ultrachat.platform.store.Dialect;
import org.ultrachat.platform.redis.RedisNamespace;
import org.ultrachat.platform.store.Installation;
import org.ultrachat.platform.store.Migrations;
import org.ultrachat.platform.store.StoreTarget;

/**
 * One running UltraChat node, wired explicitly from configuration: metrics, Vert.x, the store
 * (migrated at start), and the services this node runs. The CLI and the end-to-end tests both
 * start nodes through {@link #start(Config)}.
 */
public final class Node {
  /** Services that exist in this build, in start order. */
  static final List<String> KNOWN_SERVICES = List.of("gateway", "auth", "chat");
  /** Modules that own tables, in migration order. */
  static final List<String> MIGRATED_MODULES = List.of("platform", "auth", "chat");

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Vertx vertx;
  private final Database database;
  private final Optional<Gateway.Running> gateway;
  private final Installation.Info installation;
  private final DataProtection protection;
  private final AuditLog audit;
  private final Optional<AuthModule> auth;
  private final Optional<Edge.Parts> edge;
  private final Bus bus;
  private final Optional<Realtime> realtime;

  private Node(Vertx vertx, Database database, Optional<Gateway.Running> gateway, Installation.Info installation,
               DataProtection protection,
               AuditLog audit, Optional<AuthModule> auth, Optional<Edge.Parts> edge, Bus bus, Optional<Realtime> realtime) {
    this.realtime = realtime;
    this.vertx = vertx;
    this.database = database;
    this.gateway = gateway;
    this.installation = installation;
    this.protection = protection;
    this.audit = audit;
    this.auth = auth;
    this.edge = edge;
    this.bus = bus;
  }

  /**
   * Migrates the store and starts the configured services. Blocks until the node serves or
   * fails; call it from a plain thread, never an event loop.
   *
   * @throws ConfigException when the configuration names unknown services
   */
  public static Node start(Config config) {
    return start(config, true);
  }

  /**
   * @param listen whether to serve HTTP; administrative commands run the services on the store
   *               beside a running server and must not take its port
   */
  static Node start(Config config, boolean listen) {
    Set<String> services = services(config);
    Optional<ClusterSecret> secret = ClusterSecret.of(config);
    Optional<URI> authUpstream = upstream(config, Setting.UPSTREAM_AUTH, "auth", services, secret);
    Optional<URI> chatUpstream = upstream(config, Setting.UPSTREAM_CHAT, "chat", services, secret);
    StoreTarget target = StoreTarget.of(config);
    // Before anything else: a bad master key is a configuration error, not a half-started node.
    MasterKey masterKey = MasterKey.load(config);
    migrate(target);

    PrometheusMeterRegistry registry = Metrics.registry(config.dataDir());
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            // namespace tells the store pools' SQL metrics apart (store-writer, store-reader).
            .addLabels(Label.NAMESPACE)
            // The edge records its own request metrics, labelled by route template.
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    try {
      Database database = Database.open(vertx, target, config.optional(Setting.DB_REPLICA_URL));
      database.bindMetrics(registry);
      Installation.Info installation = new Installation(database).ensure().await();
      Gauge.builder("ultrachat.info", () -> 1).description("Installation id and store dialect of this node")
          .tags("installation", installation.id(), "store", target.dialect().folder()).register(registry);

      DataProtection protection = DataProtection.open(database, masterKey).await();
      Caches caches = Caches.of(config, registry);
      AuditLog audit = new AuditLog(database);
      // One node: events stay in the process. A cluster: Redis pub/sub carries them between nodes.
      // Everything in Redis is named under the installation, so installations may share a Redis.
      RedisNamespace namespace = RedisNamespace.of(installation.id());
      Bus bus = config.optional(Setting.REDIS_URL).<Bus>map(url -> RedisBus.start(vertx, url, namespace))
          .orElseGet(() -> new LocalBus(vertx));
      // Invalidations from other nodes travel on the bus: when it may have lost some, start afresh.
      bus.onReset(caches::invalidateAll);
      if (bus instanceof RedisBus redisBus) {
        Gauge.builder("ultrachat.bus.redis.connected", redisBus, b -> b.connected() ? 1 : 0)
            .description("1 while this node's subscription link to Redis is up").register(registry);
        Gauge.builder("ultrachat.bus.redis.lag", redisBus, b -> b.lastLagMs() / 1000.0).baseUnit("seconds")
            .description("How long the last event from another node took to arrive (both nodes' clocks)")
            .register(registry);
        Gauge.builder("ultrachat.bus.redis.topics", redisBus, RedisBus::topics)
            .description("Topics this node holds a Redis subscription for").register(registry);
      }
      // Rate limit buckets: in memory on one node; in Redis for a cluster, so nodes share a quota.
      // One client for the cluster's shared state (rate limit buckets, presence); the bus has its own.
      Optional<Redis> redis = config.optional(Setting.REDIS_URL).map(url -> Redis.createClient(vertx,
          new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(10_000)));
      RateLimiter.Factory limiters = redis.map(r -> RateLimiter.Factory.redis(vertx, r, namespace))
          .orElseGet(RateLimiter.Factory::inMemory);
      Optional<AuthModule> auth = services.contains("auth")
          ? Optional.of(AuthModule.start(vertx, config, database, protection, audit,
              limiters.create("login", RateLimit.of(config, Setting.RATE_LIMIT_LOGIN)), caches, bus).await())
          : Optional.empty();

      // Without auth here, a chat node checks tokens and looks users up on an auth node.
      Optional<Authenticator> remoteAuth = authUpstream.map(u -> new RemoteAuthenticator(vertx, u, secret.orElseThrow()));
      remoteAuth.ifPresent(a -> bus.subscribe(Bus.CREDENTIALS_TOPIC, a::forget));
      UserDirectory directory = auth.map(AuthModule::directory)
          .orElseGet(() -> authUpstream.map(u -> (UserDirectory) new RemoteUserDirectory(vertx, u, secret.orElseThrow()))
              .orElse(null));
      // Message writes commit in groups: many sends, one transaction, each acked after its commit.
      // On PostgreSQL several writers run side by side, a channel always on the same one.
      int shards = target.dialect() == Dialect.SQLITE ? 1 : config.integer(Setting.STORE_WRITE_SHARDS);
      if (shards < 1 || shards > 64) {
        throw new ConfigException(Setting.STORE_WRITE_SHARDS.key() + " must be between 1 and 64");
      }
      List<GroupCommitWriter> messageWriters = new ArrayList<>();
      for (int i = 0; i < shards; i++) {
        GroupCommitWriter writer = new GroupCommitWriter(vertx, database, GroupCommitWriter.Options.DEFAULTS);
        writer.bindMetrics(registry, shards == 1 ? "messages" : "messages-" + i);
        messageWriters.add(writer);
      }
      ChatModule.TransactionRunner messageWrites = new ChatModule.TransactionRunner() {
        @Override
        public <T> Future<T> run(String channelId, java.util.function.Function<io.vertx.sqlclient.SqlConnection, Future<T>> work) {
          return messageWriters.get(Math.floorMod(channelId.hashCode(), messageWriters.size())).submit(work);
        }
      };
      Optional<ChatModule> chat = services.contains("chat")
          ? Optional.of(ChatModule.create(vertx, database, protection, config.string(Setting.CHAT_ENCRYPTION).equals("on"),
              BlindIndex.create(masterKey), directory, bus, messageWrites, caches))
          : Optional.empty();
      // Message partitions exist before anything serves; the job then runs every 6 h (PostgreSQL only).
      chat.filter(c -> target.dialect() == Dialect.POSTGRESQL).ifPresent(c -> c.scheduleMaintenance(vertx).await());

      Map<String, Supplier<Future<Void>>> readiness = new LinkedHashMap<>();
      readiness.put("store", () -> database.ping(Duration.ofSeconds(2)));
      if (database.hasReplica()) {
        readiness.put("store-replica", () -> database.pingReplica(Duration.ofSeconds(2)));
      }
      int port = -1;
      Optional<Gateway.Running> gateway = Optional.empty();
      Optional<Edge.Parts> edge = Optional.empty();
      Optional<Realtime> realtime = Optional.empty();
      if (listen) {
        Optional<ChatLink> localChat = chat.map(Node::chatLink);
        List<ApiRoutes.Mount> mounts = new ArrayList<>();
        auth.ifPresent(a -> mounts.add(a.routes()));
        chat.ifPresent(c -> mounts.add(c.routes()));
        // Nodes without these services reach them here: gateways for their WebSockets, chat nodes for auth.
        secret.filter(s -> auth.isPresent() || chat.isPresent()).ifPresent(s -> mounts.add(InternalApi.routes(s,
            auth.map(AuthModule::authenticator), auth.map(AuthModule::directory), localChat)));
        Authenticator authenticator = auth.map(AuthModule::authenticator).or(() -> remoteAuth)
            .orElse(Authenticator.refuseAll());
        Optional<ChatLink> chatLink = localChat;
        List<Upstream> upstreams = new ArrayList<>();
        if (services.contains("gateway")) {
          authUpstream.ifPresent(u -> upstreams.add(new Upstream("auth", AuthModule.PATHS, u)));
          chatUpstream.ifPresent(u -> upstreams.add(new Upstream("chat", ChatModule.PATHS, u)));
          upstreams.forEach(u -> readiness.put("upstream-" + u.service(), Upstream.readiness(vertx, u.origin())));
          chatLink = chatLink.or(() -> chatUpstream.map(u -> new RemoteChatLink(vertx, u, secret.orElseThrow())));
          if (auth.isEmpty() && authUpstream.isEmpty()) {
            LOG.warn("this node runs the gateway without the auth service or upstream-auth: protected routes answer 401");
          }
          Authenticator sockets = authenticator;
          realtime = chatLink.map(c -> Realtime.create(vertx, config, registry, c, sockets, bus, redis, namespace));
        } else if (secret.isPresent() && config.list(Setting.TRUSTED_PROXIES).isEmpty()) {
          LOG.warn("this service node trusts no proxy: requests passed on by gateways count against the gateway's "
              + "address in rate limits and audit; set trusted-proxies to the gateways' addresses");
        }
        Edge.Parts parts = new Edge.Parts(config, registry, readiness, authenticator, mounts, EdgeLimits.of(config, limiters),
            realtime, upstreams);
        gateway = Optional.of(Gateway.start(vertx, parts).await());
        port = gateway.get().port();
        edge = Optional.of(parts);
      }
      LOG.atInfo().addKeyValue("port", port).addKeyValue("store", target.describe())
          .addKeyValue("services", String.join(",", services)).addKeyValue("installation", installation.id())
          .log("UltraChat node started");
      return new Node(vertx, database, gateway, installation, protection, audit, auth, edge, bus, realtime);
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }

  /**
   * @return where a service this gateway does not run is found; the setting is refused where the
   *         service runs here, and needs the cluster secret for the internal routes
   */
  private static Optional<URI> upstream(Config config, Setting setting, String service, Set<String> services,
                                        Optional<ClusterSecret> secret) {
    Optional<String> value = config.optional(setting);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    // A gateway passes the service's routes on; a chat node without auth asks auth for tokens and users.
    boolean user = services.contains("gateway") || service.equals("auth") && services.contains("chat");
    if (!user || services.contains(service)) {
      throw new ConfigException(setting.key() + " is for a node that runs the gateway (or, for auth, chat) without the "
          + service + " service");
    }
    if (service.equals("chat") && config.optional(Setting.REDIS_URL).isEmpty()) {
      throw new ConfigException(setting.key() + " needs " + Setting.REDIS_URL.key()
          + ": chat events reach this node's WebSockets through the cluster bus");
    }
    if (secret.isEmpty()) {
      throw new ConfigException(setting.key() + " needs " + Setting.CLUSTER_SECRET.key()
          + " (the same on every node) to call the service's internal routes");
    }
    URI uri;
    try {
      uri = new URI(value.get());
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(setting.key() + " is not a URL: " + value.get());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      throw new ConfigException(setting.key() + " must be http(s)://host:port with no path: " + value.get());
    }
    return Optional.of(uri);
  }

  /** The chat service as the real-time gateway sees it, in-process. */
  private static ChatLink chatLink(ChatModule chat) {
    return new ChatLink() {
      @Override
      public Future<List<String>> memberChannels(String userId) {
        return chat.memberChannels(userId);
      }

      @Override
      public Future<Void> readable(Authenticator.Caller caller, String channelId) {
        return chat.readable(caller, channelId);
      }

      @Override
      public Future<Void> member(Authenticator.Caller caller, String channelId) {
        return chat.member(caller, channelId);
      }

      @Override
      public Future<JsonObject> send(Authenticator.Caller caller, String channelId, String body, String clientId,
                                     Optional<String> threadRootId) {
        return chat.send(caller, channelId, body, clientId, threadRootId);
      }

      @Override
      public Future<List<JsonObject>> events(String channelId, long afterSeq, int limit) {
        return chat.events(channelId, afterSeq, limit);
      }

      @Override
      public Future<Long> lastSeq(String channelId) {
        return chat.lastSeq(channelId);
      }
    };
  }

  /** Applies every module's migrations to the configured store. */
  public static void migrate(StoreTarget target) {
    for (String module : MIGRATED_MODULES) {
      Migrations.apply(target, module);
    }
  }

  static Set<String> services(Config config) {
    Set<String> chosen = new LinkedHashSet<>();
    for (String name : config.list(Setting.SERVICES)) {
      if (name.equals("all")) {
        chosen.addAll(KNOWN_SERVICES);
      } else if (KNOWN_SERVICES.contains(name)) {
        chosen.add(name);
      } else {
        throw new ConfigException("unknown service '" + name + "' in " + Setting.SERVICES.key()
            + "; this build has: " + String.join(", ", KNOWN_SERVICES) + " (or all)");
      }
    }
    if (chosen.contains("chat") && !chosen.contains("auth") && config.optional(Setting.UPSTREAM_AUTH).isEmpty()) {
      throw new ConfigException("the chat service needs the auth service on the same node, or upstream-auth");
    }
    if (chosen.isEmpty()) {
      throw new ConfigException(Setting.SERVICES.key() + " names no service");
    }
    return chosen;
  }

  /** @return the HTTP port, or -1 when this node runs no gateway */
  public int port() {
    return gateway.map(Gateway.Running::port).orElse(-1);
  }

  public Installation.Info installation() {
    return installation;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** @return this node's bus, where services publish their events */
  public Bus bus() {
    return bus;
  }

  /** @return the auth service of this node */
  public AuthModule auth() {
    return auth.orElseThrow(() -> new IllegalStateException("this node does not run the auth service"));
  }

  /** What {@link #rotateKeys()} created. */
  public record KeyRotation(String signingKeyId, int dataKeyId) {
  }

  /**
   * Starts a new JWT signing key and a new data-key version. Tokens and ciphertexts made with
   * the old keys stay valid; other nodes adopt the new keys when they next reload them.
   */
  public KeyRotation rotateKeys() {
    int dataKeyId = protection.rotate().await();
    String kid = auth().rotateSigningKey().await();
    audit.record(new AuditLog.Event("keys.rotate", AuditLog.Outcome.SUCCESS, Optional.empty(), Optional.of(kid),
        "local", new JsonObject().put("signingKeyId", kid).put("dataKeyId", dataKeyId))).await();
    return new KeyRotation(kid, dataKeyId);
  }

  /** @return the WebSocket gateway of this node (it runs the gateway and chat services) */
  public Realtime realtime() {
    return realtime.orElseThrow(() -> new IllegalStateException("this node serves no WebSockets"));
  }

  /**
   * Stops in order: WebSocket clients are told to reconnect elsewhere and their sends in flight
   * answered; the HTTP servers stop accepting and let requests in flight finish; then the store
   * and everything else close.
   */
  public void stop() {
    realtime.ifPresent(r -> r.goAway("server shutting down").await());
    gateway.ifPresent(g -> g.stop().await());
    vertx.close().await();
  }

  /** @return what the edge router of this node is built from (tests compare its routes with the OpenAPI document) */
  Optional<Edge.Parts> edgeParts() {
    return edge;
  }

  Database database() {
    return database;
  }
}
