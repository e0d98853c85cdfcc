package org.ultrachat.platform.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Bucket4j buckets with greedy refill (tokens come back evenly over the period, not all at its
 * end), held in a Caffeine cache bounded in size. Bucket4j's local buckets are lock-free, so
 * every event loop may share one limiter.
 */
final class InMemoryRateLimiter implements RateLimiter {
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private final long capacity;
  private final Bandwidth bandwidth;
  private final TimeMeter clock;
  private final Cache<String, Bucket> buckets;

  InMemoryRateLimiter(RateLimit rate, TimeMeter clock, long maxKeys) {
    Objects.requireNonNull(rate, "rate");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1: " + maxKeys);
    }
    this.capacity = rate.capacity();
    this.bandwidth = Bandwidth.builder().capacity(rate.capacity()).refillGreedy(rate.capacity(), rate.period()).build();
    // A bucket untouched for a whole period has refilled completely, just like a new one: dropping it loses nothing.
    this.buckets = Caffeine.newBuilder()
        .maximumSize(maxKeys)
        .expireAfterAccess(rate.period())
        .ticker(clock::currentTimeNanos)
        .build();
  }

  @Override
  public Future<Decision> acquire(String key) {
    Objects.requireNonNull(key, "key");
    Bucket bucket = buckets.get(key, k -> Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(clock).build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    long reset = seconds(probe.getNanosToWaitForReset());
    Decision decision = probe.isConsumed()
        ? new Decision(true, capacity, probe.getRemainingTokens(), reset, 0)
        : new Decision(false, capacity, probe.getRemainingTokens(), reset,
            Math.max(1, seconds(probe.getNanosToWaitForRefill())));
    return Future.succeededFuture(decision);
  }

  /** @return the keys tracked now, after pending evictions (for tests) */
  long trackedKeys() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  private static long seconds(long nanos) {
    return nanos <= 0 ? 0 : (nanos - 1) / NANOS_PER_SECOND + 1;
  }
}
