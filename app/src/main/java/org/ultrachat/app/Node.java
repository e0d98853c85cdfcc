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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.gateway.Edge;
import org.ultrachat.gateway.EdgeLimits;
import org.ultrachat.gateway.Gateway;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.metrics.Metrics;
import org.ultrachat.platform.store.Database;
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
  static final List<String> KNOWN_SERVICES = List.of("gateway");
  /** Modules that own tables, in migration order. */
  static final List<String> MIGRATED_MODULES = List.of("platform");

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Vertx vertx;
  private final Database database;
  private final int port;
  private final Installation.Info installation;

  private Node(Vertx vertx, Database database, int port, Installation.Info installation) {
    this.vertx = vertx;
    this.database = database;
    this.port = port;
    this.installation = installation;
  }

  /**
   * Migrates the store and starts the configured services. Blocks until the node serves or
   * fails; call it from a plain thread, never an event loop.
   *
   * @throws ConfigException when the configuration names unknown services
   */
  public static Node start(Config config) {
    Set<String> services = services(config);
    StoreTarget target = StoreTarget.of(config);
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
      Database database = Database.open(vertx, target);
      database.bindMetrics(registry);
      Installation.Info installation = new Installation(database).ensure().await();
      Gauge.builder("ultrachat.info", () -> 1).description("Installation id and store dialect of this node")
          .tags("installation", installation.id(), "store", target.dialect().folder()).register(registry);

      Map<String, Supplier<Future<Void>>> readiness = Map.of("store", () -> database.ping(Duration.ofSeconds(2)));
      int port = -1;
      if (services.contains("gateway")) {
        Edge.Parts parts = new Edge.Parts(config, registry, readiness, Authenticator.refuseAll(),
            serviceRoutes(services), EdgeLimits.inMemory(config));
        port = Gateway.start(vertx, parts).await();
      }
      LOG.atInfo().addKeyValue("port", port).addKeyValue("store", target.describe())
          .addKeyValue("services", String.join(",", services)).addKeyValue("installation", installation.id())
          .log("UltraChat node started");
      return new Node(vertx, database, port, installation);
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }

  /** Applies every module's migrations to the configured store. */
  public static void migrate(StoreTarget target) {
    for (String module : MIGRATED_MODULES) {
      Migrations.apply(target, module);
    }
  }

  /** @return the routes of the given services that run on this node (none yet besides the edge's own) */
  static List<ApiRoutes.Mount> serviceRoutes(Set<String> services) {
    List<ApiRoutes.Mount> mounts = new ArrayList<>();
    return mounts;
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
    if (chosen.isEmpty()) {
      throw new ConfigException(Setting.SERVICES.key() + " names no service");
    }
    return chosen;
  }

  /** @return the HTTP port, or -1 when this node runs no gateway */
  public int port() {
    return port;
  }

  public Installation.Info installation() {
    return installation;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops serving and closes the store. */
  public void stop() {
    vertx.close().await();
  }

  Database database() {
    return database;
  }
}
