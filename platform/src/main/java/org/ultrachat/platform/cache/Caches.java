package org.ultrachat.platform.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
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
  private final List<AsyncCache<?, ?>> built = new CopyOnWriteArrayList<>();

  public Caches(CacheSpec fallback, Map<String, CacheSpec> specs, MeterRegistry registry) {
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.specs = Map.copyOf(specs);
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * @param settings the node's keys: each {@code cache-<name>} among them bounds the cache {@code <name>}
   * @return the caches configured by {@code cache-default} and the per-cache keys
   */
  public static Caches of(Config config, MeterRegistry registry, List<Setting> settings) {
    CacheSpec fallback = CacheSpec.parse(config.string(NodeSettings.CACHE_DEFAULT), NodeSettings.CACHE_DEFAULT.key());
    Map<String, CacheSpec> specs = new HashMap<>();
    for (Setting s : settings) {
      if (s.key().startsWith(CacheSpec.KEY_PREFIX) && s != NodeSettings.CACHE_DEFAULT) {
        specs.put(s.key().substring(CacheSpec.KEY_PREFIX.length()), CacheSpec.parse(config.string(s), s.key()));
      }
    }
    return new Caches(fallback, specs, registry);
  }

  /** @return the effective spec of a named cache */
  public CacheSpec spec(String name) {
    return specs.getOrDefault(name, new CacheSpec(Optional.empty(), Optional.empty())).over(fallback);
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
    return async(name, spec(name));
  }

  /** @return a new async cache named {@code name} with bounds fixed by its user (not configurable) */
  public <K, V> AsyncCache<K, V> async(String name, CacheSpec spec) {
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
