package org.ultrachat.platform.service;

import io.vertx.core.Future;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.ultrachat.platform.cluster.InternalRoutes;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.http.ApiRoutes;

/**
 * The one contract every service plugs in through. {@code app} holds the list of modules; a
 * node migrates the tables of every module in it, loads the configuration against all their
 * keys, and starts, in list order, the ones named in {@code services}. A module imports no
 * other service: what it needs from one (a user directory, the chat seam) it finds among the
 * {@link ServiceContext#capabilities() capabilities} the modules before it provided, whether
 * they run here or are reached on another node through {@code upstream-<name>}.
 */
public interface ServiceModule {
  /** @return the name used in {@code services}, in {@code upstream-<name>} and in {@code db/<name>/} (lowercase letters) */
  String name();

  /** @return the keys this service reads; they are known to every node, whether it runs the service or not */
  default List<Setting> settings() {
    return List.of();
  }

  /**
   * @return whether the service owns tables, migrated from {@code db/<name>/common} and
   *     {@code db/<name>/<dialect>} on every node start and by {@code ultrachat migrate}
   */
  default boolean hasMigrations() {
    return false;
  }

  /** @return the public route patterns it owns ({@code /v1/channels/*}); a gateway without it passes them on */
  default List<String> publicPaths() {
    return List.of();
  }

  /**
   * Checks what the node's configuration asks of this service, before anything starts, on every
   * node whether it runs the service or not.
   *
   * @throws org.ultrachat.platform.config.ConfigException when the plan cannot work
   */
  default void check(NodePlan plan) {
  }

  /**
   * Builds the service: provides its capabilities, registers the realtime frame types it handles
   * ({@link ServiceContext#frames()}).
   *
   * @return done once the service is ready to serve; its routes are mounted after every module started
   */
  Future<? extends Running> start(ServiceContext context);

  /**
   * @return how a node that does not run this service reaches it on one that does, when the
   *     service can be used that way; such a service gets an {@code upstream-<name>} key
   */
  default Optional<Remote> remote() {
    return Optional.empty();
  }

  /** Provides, on a node without the service, the capabilities it provides where it runs. */
  @FunctionalInterface
  interface Remote {
    /** @param origin a node (or a load balancer in front of several) running the service */
    void reach(ServiceContext context, URI origin);
  }

  /** A service started on this node. */
  interface Running {
    /** @return the public routes to mount at the edge */
    default List<ApiRoutes.Mount> routes() {
      return List.of();
    }

    /** Declares the routes other nodes call on this service; mounted only when a cluster secret is set. */
    default void internalRoutes(InternalRoutes routes) {
    }

    /**
     * Called when the node stops, in reverse start order, before the HTTP servers drain the
     * requests in flight: ends long-lived work (sockets). What requests use keeps working until
     * the store closes.
     */
    default Future<Void> stop() {
      return Future.succeededFuture();
    }
  }
}
