package org.ultrachat.platform.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets held in Redis, so every node of a cluster spends the same quota: a client that
 * spreads its requests over three nodes still gets the configured rate, not three times it.
 * Each take is one Lua script, which Redis runs atomically, so concurrent nodes cannot overspend;
 * the script reads Redis's own clock, so nodes whose clocks differ agree. Tokens come back evenly
 * over the period (greedy refill), as with the in-memory buckets.
 *
 * <p>When Redis does not answer within {@link #TIMEOUT_MS} or fails, the request is decided by
 * this node's in-memory buckets instead, and so is every request of the next {@link #BACKOFF_MS}
 * before Redis is asked again: a Redis outage loosens the limit to per node, it does not refuse
 * requests or make each of them wait.
 */
final class RedisRateLimiter implements RateLimiter {
  static final long TIMEOUT_MS = 1_000;
  static final long BACKOFF_MS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
  private static final long MICROS_PER_SECOND = 1_000_000;

  // KEYS[1] the bucket; ARGV[1] capacity; ARGV[2] period in microseconds.
  // Returns {allowed (0|1), whole tokens left, microseconds until full, microseconds until the next token}.
  static final String SCRIPT = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local capacity = tonumber(ARGV[1])
      local period = tonumber(ARGV[2])
      local perMicro = capacity / period
      local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
      local tokens = tonumber(b[1]) or capacity
      local at = tonumber(b[2]) or now
      if now > at then tokens = math.min(capacity, tokens + (now - at) * perMicro) end
      local allowed = 0
      if tokens >= 1 then
        tokens = tokens - 1
        allowed = 1
      end
      redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%d', now))
      redis.call('PEXPIRE', KEYS[1], math.ceil(period / 1000))
      local toNext = 0
      if allowed == 0 then toNext = math.ceil((1 - tokens) / perMicro) end
      return {allowed, math.floor(tokens), math.ceil((capacity - tokens) / perMicro), toNext}
      """;
  private static final String SHA = sha1(SCRIPT);

  private final Vertx vertx;
  private final Redis redis;
  private final String prefix;
  private final RateLimit rate;
  private final RateLimiter fallback;
  private final AtomicLong fallbacks = new AtomicLong();
  private volatile long skipRedisUntil;

  /** @param prefix starts every bucket's key; the client's key follows it */
  RedisRateLimiter(Vertx vertx, Redis redis, String prefix, RateLimit rate, RateLimiter fallback) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.rate = Objects.requireNonNull(rate, "rate");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.skipRedisUntil = System.nanoTime();
  }

  @Override
  public Future<Decision> acquire(String key) {
    Objects.requireNonNull(key, "key");
    Promise<Decision> decided = Promise.promise();
    if (System.nanoTime() - skipRedisUntil < 0) {
      fallback.acquire(key).onComplete(decided);
      return decided.future();
    }
    long timer = vertx.setTimer(TIMEOUT_MS, id -> fallBack(key, decided, "no answer within " + TIMEOUT_MS + " ms"));
    take(key).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        decided.tryComplete(ar.result());
      } else {
        fallBack(key, decided, ar.cause().toString());
      }
    });
    return decided.future();
  }

  private Future<Decision> take(String key) {
    String bucket = prefix + key;
    String capacity = Long.toString(rate.capacity());
    String periodMicros = Long.toString(rate.period().toNanos() / 1000);
    return redis.send(Request.cmd(Command.EVALSHA).arg(SHA).arg(1).arg(bucket).arg(capacity).arg(periodMicros))
        .recover(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT")
            // First use on this Redis (or after a restart): EVAL runs the script and caches it.
            ? redis.send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(bucket).arg(capacity).arg(periodMicros))
            : Future.failedFuture(e))
        .map(this::decision);
  }

  private Decision decision(Response r) {
    boolean allowed = r.get(0).toLong() == 1;
    long remaining = Math.min(rate.capacity(), Math.max(0, r.get(1).toLong()));
    long reset = seconds(r.get(2).toLong());
    return allowed
        ? new Decision(true, rate.capacity(), remaining, reset, 0)
        : new Decision(false, rate.capacity(), remaining, reset, Math.max(1, seconds(r.get(3).toLong())));
  }

  private void fallBack(String key, Promise<Decision> decided, String why) {
    if (decided.future().isComplete()) {
      return;
    }
    skipRedisUntil = System.nanoTime() + BACKOFF_MS * 1_000_000;
    long n = fallbacks.incrementAndGet();
    if (n == 1 || n % 10_000 == 0) {
      LOG.warn("rate limit buckets in Redis unavailable ({}); deciding with this node's buckets ({} times so far)",
          why, n);
    }
    fallback.acquire(key).onComplete(ar -> {
      if (ar.succeeded()) {
        decided.tryComplete(ar.result());
      } else {
        decided.tryFail(ar.cause());
      }
    });
  }

  private static long seconds(long micros) {
    return micros <= 0 ? 0 : (micros - 1) / MICROS_PER_SECOND + 1;
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
