package org.ultrachat.platform.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.Map;
import java.util.Objects;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.Setting;

/**
 * Makes the node's Caffeine caches from their configuration, each reporting hits, misses, size
 * and evictions to {@code /metrics} as {@code cache_gets_total{cache="...",result="hit|miss"}},
 * {@code cache_size}, {@code cache_evictions_total}. Hit rate = hits / (hits + misses).
 */
public final class Caches {
  private final CacheSpec fallback;
  private final Map<String, CacheSpec> specs;
  private final MeterRegistry registry;
  private final java.util.List<AsyncCache<?, ?>> built = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Caches(CacheSpec fallback, Map<String, CacheSpec> specs, MeterRegistry registry) {
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.specs = Map.copyOf(specs);
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** @return the caches configured by {@code cache-default} and the per-resource settings */
  public static Caches of(Config config, MeterRegistry registry) {
    CacheSpec fallback = CacheSpec.parse(config.string(Setting.CACHE_DEFAULT), Setting.CACHE_DEFAULT.key());
    return new Caches(fallback, Map.of(
        "users", CacheSpec.parse(config.string(Setting.CACHE_USERS), Setting.CACHE_USERS.key()),
        "channel-members", CacheSpec.parse(config.string(Setting.CACHE_CHANNEL_MEMBERS), Setting.CACHE_CHANNEL_MEMBERS.key()),
        "channels", CacheSpec.parse(config.string(Setting.CACHE_CHANNELS), Setting.CACHE_CHANNELS.key()),
        "recent-messages", CacheSpec.parse(config.string(Setting.CACHE_RECENT_MESSAGES),
            Setting.CACHE_RECENT_MESSAGES.key()),
        // Revocation state: short and fixed, so another node's revocation reaches here within 30 s even without the bus.
        "sessions", new CacheSpec(java.util.Optional.of(java.time.Duration.ofSeconds(30)), java.util.Optional.of(200_000L)),
        "personal-tokens", new CacheSpec(java.util.Optional.of(java.time.Duration.ofSeconds(30)),
            java.util.Optional.of(100_000L))), registry);
  }

  /** @return the effective spec of a named cache */
  public CacheSpec spec(String name) {
    return specs.getOrDefault(name, new CacheSpec(java.util.Optional.empty(), java.util.Optional.empty())).over(fallback);
  }

  /**
   * Looks a key up, loading it once on a miss (concurrent callers share the load). The answer
   * comes back on the caller's Vert.x context, whichever thread finished the load.
   */
  public static <K, V> Future<V> get(Vertx vertx, AsyncCache<K, V> cache, K key, Supplier<Future<V>> load) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(
        cache.get(key, (k, executor) -> load.get().toCompletionStage().toCompletableFuture()), context);
  }

  /** @return a new async cache named {@code name}, bounded as configured, with its metrics bound */
  public <K, V> AsyncCache<K, V> async(String name) {
    CacheSpec spec = spec(name);
    Caffeine<Object, Object> builder = Caffeine.newBuilder().recordStats();
    spec.ttl().ifPresent(builder::expireAfterWrite);
    spec.maxSize().ifPresent(builder::maximumSize);
    AsyncCache<K, V> cache = builder.buildAsync();
    CaffeineCacheMetrics.monitor(registry, cache.synchronous(), name);
    built.add(cache);
    return cache;
  }

  /**
   * Empties every cache made here. For when invalidations from other nodes may have been lost
   * (the bus link dropped or came back): the caches that decide access must not outlive a
   * removal this node did not hear of.
   */
  public void invalidateAll() {
    built.forEach(cache -> cache.synchronous().invalidateAll());
  }
}
