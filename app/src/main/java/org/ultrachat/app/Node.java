package org.ultrachat.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.auth.AuthModule;
import org.ultrachat.gateway.Edge;
import org.ultrachat.gateway.EdgeLimits;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.gateway.Gateway;
import org.ultrachat.gateway.GatewayModule;
import org.ultrachat.gateway.realtime.Realtime;
import org.ultrachat.platform.audit.AuditLog;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.bus.LocalBus;
import org.ultrachat.platform.bus.RedisBus;
import org.ultrachat.platform.cache.Caches;
import org.ultrachat.platform.cluster.InternalRoutes;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.crypto.DataProtection;
import org.ultrachat.platform.crypto.MasterKey;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.metrics.Metrics;
import org.ultrachat.platform.ratelimit.RateLimiter;
import org.ultrachat.platform.redis.RedisNamespace;
import org.ultrachat.platform.service.Capabilities;
import org.ultrachat.platform.service.FrameTypes;
import org.ultrachat.platform.service.ServiceContext;
import org.ultrachat.platform.service.ServiceModule;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Installation;
import org.ultrachat.platform.store.Migrations;
import org.ultrachat.platform.store.StoreTarget;

/**
 * One running UltraChat node, wired explicitly from configuration in phases: the plan (which
 * services run here, which are reached elsewhere), the store's migrations, the platform's
 * building blocks (metrics, Vert.x, store, keys, bus, caches, rate limits), the service modules
 * in list order, and the HTTP edge in front of them. The CLI and the end-to-end tests both
 * start nodes through {@link #start(Config)}.
 */
public final class Node {
  /** Which services a node runs; the names come from the module list. */
  static final Setting SERVICES = Setting.text("services", "all",
      "Comma-separated services this node runs: " + String.join(", ", Plan.names(Modules.ALL)) + ", or all.");

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Vertx vertx;
  private final Database database;
  private final Optional<Gateway.Running> gateway;
  private final Installation.Info installation;
  private final DataProtection protection;
  private final AuditLog audit;
  private final Capabilities capabilities;
  private final List<ServiceModule.Running> running;
  private final Optional<Edge.Parts> edge;
  private final Bus bus;

  private Node(Vertx vertx, Database database, Optional<Gateway.Running> gateway, Installation.Info installation,
               DataProtection protection, AuditLog audit, Capabilities capabilities,
               List<ServiceModule.Running> running, Optional<Edge.Parts> edge, Bus bus) {
    this.vertx = vertx;
    this.database = database;
    this.gateway = gateway;
    this.installation = installation;
    this.protection = protection;
    this.audit = audit;
    this.capabilities = capabilities;
    this.running = List.copyOf(running);
    this.edge = edge;
    this.bus = bus;
  }

  /** @return every key a node with these modules reads, in the order the documentation lists them */
  static List<Setting> settings(List<ServiceModule> modules) {
    List<Setting> all = new ArrayList<>(NodeSettings.ALL);
    all.add(SERVICES);
    all.addAll(EdgeSettings.ALL);
    for (ServiceModule module : modules) {
      all.addAll(module.settings());
      module.remote().ifPresent(r -> all.add(Plan.upstreamSetting(module)));
    }
    return all;
  }

  /** @return the key of this build with that name, if any */
  static Optional<Setting> setting(String key) {
    return settings(Modules.ALL).stream().filter(s -> s.key().equals(key)).findFirst();
  }

  /**
   * Migrates the store and starts the configured services. Blocks until the node serves or
   * fails; call it from a plain thread, never an event loop.
   *
   * @throws ConfigException when the configuration names unknown services or cannot work
   */
  public static Node start(Config config) {
    return start(config, Modules.ALL, true);
  }

  /** Starts a node with the configured services among {@code modules} (tests add their own). */
  static Node start(Config config, List<ServiceModule> modules) {
    return start(config, modules, true);
  }

  /**
   * @param listen whether to serve HTTP; administrative commands run the services on the store
   *               beside a running server and must not take its port
   */
  static Node start(Config config, boolean listen) {
    return start(config, Modules.ALL, listen);
  }

  private static Node start(Config config, List<ServiceModule> modules, boolean listen) {
    List<Setting> settings = settings(modules);
    config.checked(settings);
    Plan plan = Plan.of(config, modules);
    StoreTarget target = StoreTarget.of(config);
    // Before anything else: a bad master key is a configuration error, not a half-started node.
    MasterKey masterKey = MasterKey.load(config);
    migrate(target, modules);

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
      Platform platform = platform(vertx, config, plan, target, masterKey, registry, settings, modules);
      ServiceContext context = platform.context();
      Installation.Info installation = platform.installation();
      List<ServiceModule.Running> running = startServices(context, plan, modules);
      Optional<Gateway.Running> gateway = Optional.empty();
      Optional<Edge.Parts> edge = Optional.empty();
      if (listen) {
        Edge.Parts parts = edgeParts(context, running);
        gateway = Optional.of(Gateway.start(vertx, parts).await());
        edge = Optional.of(parts);
      }
      LOG.atInfo().addKeyValue("port", gateway.map(Gateway.Running::port).orElse(-1))
          .addKeyValue("store", target.describe()).addKeyValue("services", String.join(",", plan.nodePlan().local()))
          .addKeyValue("installation", installation.id()).log("UltraChat node started");
      return new Node(vertx, context.database(), gateway, installation, context.protection(), context.audit(),
          context.capabilities(), running, edge, context.bus());
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }

  /** The platform's building blocks, and the installation they serve. */
  private record Platform(ServiceContext context, Installation.Info installation) {
  }

  /** The platform's building blocks every service shares: store, keys, caches, bus, rate limits. */
  private static Platform platform(Vertx vertx, Config config, Plan plan, StoreTarget target, MasterKey masterKey,
                                   PrometheusMeterRegistry registry, List<Setting> settings,
                                   List<ServiceModule> modules) {
    Database database = Database.open(vertx, target, config.optional(NodeSettings.DB_REPLICA_URL));
    database.bindMetrics(registry);
    Installation.Info installation = new Installation(database).ensure().await();
    Gauge.builder("ultrachat.info", () -> 1).description("Installation id and store dialect of this node")
        .tags("installation", installation.id(), "store", target.dialect().folder()).register(registry);

    DataProtection protection = DataProtection.open(database, masterKey).await();
    Caches caches = Caches.of(config, registry, settings);
    // One node: events stay in the process. A cluster: Redis pub/sub carries them between nodes.
    // Everything in Redis is named under the installation, so installations may share a Redis.
    RedisNamespace namespace = RedisNamespace.of(installation.id());
    Bus bus = config.optional(NodeSettings.REDIS_URL).<Bus>map(url -> RedisBus.start(vertx, url, namespace))
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
    Optional<Redis> redis = config.optional(NodeSettings.REDIS_URL).map(url -> Redis.createClient(vertx,
        new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(10_000)));
    RateLimiter.Factory limiters = redis.map(r -> RateLimiter.Factory.redis(vertx, r, namespace))
        .orElseGet(RateLimiter.Factory::inMemory);

    Map<String, Supplier<Future<Void>>> readiness = new LinkedHashMap<>();
    readiness.put("store", () -> database.ping(Duration.ofSeconds(2)));
    if (database.hasReplica()) {
      readiness.put("store-replica", () -> database.pingReplica(Duration.ofSeconds(2)));
    }
    Map<String, List<String>> publicPaths = new LinkedHashMap<>();
    modules.forEach(m -> publicPaths.put(m.name(), m.publicPaths()));
    return new Platform(new ServiceContext(vertx, config, plan.nodePlan(), database, protection, masterKey,
        new AuditLog(database), caches, bus, registry, limiters, redis, namespace, plan.secret(), plan.upstreams(),
        publicPaths, new Capabilities(), readiness, new FrameTypes()), installation);
  }

  /**
   * Starts the services this node runs and reaches the ones it uses elsewhere, in list order, so
   * each finds what the modules before it provide.
   */
  private static List<ServiceModule.Running> startServices(ServiceContext context, Plan plan,
                                                         List<ServiceModule> modules) {
    List<ServiceModule.Running> running = new ArrayList<>();
    for (ServiceModule module : modules) {
      if (plan.nodePlan().runs(module.name())) {
        running.add(module.start(context).await());
      } else if (plan.upstreams().containsKey(module.name())) {
        module.remote().orElseThrow().reach(context, plan.upstreams().get(module.name()));
      }
    }
    return running;
  }

  /** The edge: every local service's routes, their internal routes behind the cluster secret, and the gateway's front. */
  private static Edge.Parts edgeParts(ServiceContext context, List<ServiceModule.Running> running) {
    List<ApiRoutes.Mount> mounts = new ArrayList<>();
    running.forEach(r -> mounts.addAll(r.routes()));
    // Nodes without these services reach them here: gateways for their WebSockets, chat nodes for auth.
    context.secret().filter(s -> !running.isEmpty()).ifPresent(secret -> mounts.add(api -> {
      InternalRoutes internal = new InternalRoutes(api, secret);
      running.forEach(r -> r.internalRoutes(internal));
    }));
    Authenticator authenticator = context.capabilities().find(Authenticator.class).orElse(Authenticator.refuseAll());
    GatewayModule.Front front = context.capabilities().find(GatewayModule.Front.class).orElse(GatewayModule.Front.NONE);
    return new Edge.Parts(context.config(), context.registry(), context.readiness(), authenticator, mounts,
        EdgeLimits.of(context.config(), context.limiters()), front.realtime(), front.upstreams());
  }

  /** Applies every module's migrations to the configured store. */
  public static void migrate(StoreTarget target) {
    migrate(target, Modules.ALL);
  }

  private static void migrate(StoreTarget target, List<ServiceModule> modules) {
    Migrations.apply(target, "platform");
    for (ServiceModule module : modules) {
      if (module.hasMigrations()) {
        Migrations.apply(target, module.name());
      }
    }
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
  public AuthModule.Running auth() {
    return capabilities.find(AuthModule.Running.class)
        .orElseThrow(() -> new IllegalStateException("this node does not run the auth service"));
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
    return capabilities.find(GatewayModule.Front.class).flatMap(GatewayModule.Front::realtime)
        .orElseThrow(() -> new IllegalStateException("this node serves no WebSockets"));
  }

  /**
   * Stops in order: the services end their long-lived work (WebSocket clients are told to
   * reconnect elsewhere and their sends in flight answered); the HTTP servers stop accepting and
   * let requests in flight finish; then the store and everything else close.
   */
  public void stop() {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).stop().await();
    }
    gateway.ifPresent(g -> g.stop().await());
    vertx.close().await();
  }

  /** @return what a module of this node provides of {@code type}, for tests that use a seam directly */
  <T> Optional<T> capability(Class<T> type) {
    return capabilities.find(type);
  }

  /** @return what the edge router of this node is built from (tests compare its routes with the OpenAPI document) */
  Optional<Edge.Parts> edgeParts() {
    return edge;
  }

  Database database() {
    return database;
  }
}
