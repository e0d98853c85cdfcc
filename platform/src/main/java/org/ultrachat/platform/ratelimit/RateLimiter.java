package org.ultrachat.platform.ratelimit;

import io.github.bucket4j.TimeMeter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.ultrachat.platform.redis.RedisNamespace;

/**
 * Token buckets by key (a client address, a user id, an account name): each {@link #acquire}
 * takes one token from the key's bucket if there is one. Asynchronous so that buckets can live
 * in a shared store; the in-memory limiter answers at once.
 */
public interface RateLimiter {
  /**
   * Keys an in-memory limiter tracks at most; beyond that the least used buckets are dropped. A
   * bucket costs about 400 bytes, so this bounds a limiter near 40 MB even under an address scan.
   */
  long DEFAULT_MAX_KEYS = 100_000;

  /**
   * Takes one token from the key's bucket.
   *
   * @return the decision; a refusal is a decision with {@code allowed == false}, not a failed
   *     future (a future fails only when the store holding the buckets cannot answer)
   */
  Future<Decision> acquire(String key);

  /**
   * What one {@link #acquire} decided, in the terms of the IETF RateLimit header fields.
   *
   * @param allowed           whether a token was taken and the request may go on
   * @param limit             the bucket's capacity
   * @param remaining         tokens left after this request
   * @param resetSeconds      seconds until the bucket is full again (rounded up)
   * @param retryAfterSeconds when refused, seconds until a token is available (at least 1); 0 when allowed
   */
  record Decision(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {
    public Decision {
      if (limit < 1 || remaining < 0 || remaining > limit || resetSeconds < 0) {
        throw new IllegalArgumentException("inconsistent decision: limit " + limit + ", remaining " + remaining
            + ", reset " + resetSeconds);
      }
      if (allowed ? retryAfterSeconds != 0 : retryAfterSeconds < 1) {
        throw new IllegalArgumentException("retry-after must be 0 when allowed and at least 1 when refused: "
            + retryAfterSeconds);
      }
    }
  }

  /** @return a limiter holding its buckets in this process, on the system clock */
  static RateLimiter inMemory(RateLimit rate) {
    return inMemory(rate, TimeMeter.SYSTEM_NANOTIME, DEFAULT_MAX_KEYS);
  }

  /**
   * @param clock   the time buckets refill by (tests pass one they advance themselves)
   * @param maxKeys how many keys are tracked at most, so that an address scan cannot exhaust memory
   * @return a limiter holding its buckets in this process
   */
  static RateLimiter inMemory(RateLimit rate, TimeMeter clock, long maxKeys) {
    return new InMemoryRateLimiter(rate, clock, maxKeys);
  }

  /**
   * @param namespace the installation's names in Redis
   * @param name      names the limit in Redis keys ({@code ultrachat:<installation>:rate:<name>:<key>});
   *                  limiters with the same name on different nodes of the installation share their buckets
   * @return a limiter whose buckets live in Redis, shared by every node, deciding with in-memory
   *     buckets of this node while Redis is unreachable
   */
  static RateLimiter redis(Vertx vertx, Redis redis, RedisNamespace namespace,
                           String name, RateLimit rate) {
    return new RedisRateLimiter(vertx, redis, namespace.name("rate:" + name + ":"), rate, inMemory(rate));
  }

  /** Makes a node's limiters: in this process, or in Redis for a cluster. */
  interface Factory {
    RateLimiter create(String name, RateLimit rate);

    /** @return a factory of in-memory limiters (the name is not needed) */
    static Factory inMemory() {
      return (name, rate) -> RateLimiter.inMemory(rate);
    }

    /** @return a factory of limiters sharing their buckets through Redis */
    static Factory redis(Vertx vertx, Redis redis, RedisNamespace namespace) {
      return (name, rate) -> RateLimiter.redis(vertx, redis, namespace, name, rate);
    }
  }
}
