package org.ultrachat.platform.service;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.ultrachat.platform.audit.AuditLog;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.cache.Caches;
import org.ultrachat.platform.cluster.ClusterSecret;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.crypto.DataProtection;
import org.ultrachat.platform.crypto.MasterKey;
import org.ultrachat.platform.ratelimit.RateLimiter;
import org.ultrachat.platform.redis.RedisNamespace;
import org.ultrachat.platform.store.Database;

/**
 * What a node hands each service module it starts: the platform's building blocks, the node's
 * plan, and the two places modules fill in for each other and for the node.
 *
 * @param masterKey    for keys derived from it (the blind index of search)
 * @param limiters     makes rate limiters, in memory or shared through Redis
 * @param redis        the client for the cluster's shared state, when the node is in a cluster
 * @param namespace    where this installation's names in Redis live
 * @param secret       the cluster secret, when set: for clients of other nodes' internal routes
 * @param upstreams    where the services this node reaches on other nodes run, by name
 * @param publicPaths  every registered module's public route patterns, by name (for the gateway's proxying)
 * @param capabilities what the modules started (or reached) before offer, by type
 * @param readiness    named checks that must all pass for {@code /health/ready}
 * @param frames       the realtime frame types modules handle
 */
public record ServiceContext(Vertx vertx, Config config, NodePlan plan, Database database, DataProtection protection,
                             MasterKey masterKey, AuditLog audit, Caches caches, Bus bus,
                             PrometheusMeterRegistry registry, RateLimiter.Factory limiters, Optional<Redis> redis,
                             RedisNamespace namespace, Optional<ClusterSecret> secret,
                             Map<String, URI> upstreams, Map<String, List<String>> publicPaths, Capabilities capabilities,
                             Map<String, Supplier<Future<Void>>> readiness, FrameTypes frames) {
}
