package org.ultrachat.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.redis.RedisNamespace;
import org.ultrachat.platform.testing.TcpProxy;
import org.ultrachat.platform.testing.TestRedis;

/** Rate limit buckets in a real Redis, shared by limiters of different "nodes" (Vert.x instances). */
class RedisRateLimiterIT {
  private final List<Vertx> nodes = new ArrayList<>();
  private String url;
  private String name;
  private RedisNamespace namespace;

  @BeforeEach
  void setUp() {
    url = TestRedis.url();
    name = "test-" + UUID.randomUUID();
    namespace = RedisNamespace.of(UUID.randomUUID().toString());
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(v -> v.close().await());
  }

  @Test
  void nodesShareOneQuotaAndConcurrentTakesCannotOverspendIt() {
    RateLimit rate = new RateLimit(10, Duration.ofHours(1));
    RateLimiter a = limiter(url, rate);
    RateLimiter b = limiter(url, rate);
    // Each node's first request opens its Redis connection; the race starts after that.
    assertThat(a.acquire("alice").await().allowed()).isTrue();
    assertThat(b.acquire("alice").await().allowed()).isTrue();
    List<Future<RateLimiter.Decision>> all = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      all.add(a.acquire("alice"));
      all.add(b.acquire("alice"));
    }
    List<RateLimiter.Decision> decisions = all.stream().map(f -> f.await()).toList();

    assertThat(decisions.stream().filter(RateLimiter.Decision::allowed)).as("10 in all, 2 of them taken first").hasSize(8);
    RateLimiter.Decision refused = decisions.stream().filter(d -> !d.allowed()).findFirst().orElseThrow();
    assertThat(refused.limit()).isEqualTo(10);
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfterSeconds()).isBetween(300L, 360L);
    assertThat(a.acquire("bob").await().allowed()).as("another key has its own bucket").isTrue();
  }

  @Test
  void installationsSharingARedisKeepTheirOwnBuckets() {
    RateLimit rate = new RateLimit(1, Duration.ofHours(1));
    RateLimiter mine = limiter(url, rate);
    RateLimiter theirs = limiter(url, RedisNamespace.of(UUID.randomUUID().toString()), rate);
    assertThat(mine.acquire("127.0.0.1").await().allowed()).isTrue();
    assertThat(mine.acquire("127.0.0.1").await().allowed()).isFalse();
    assertThat(theirs.acquire("127.0.0.1").await().allowed())
        .as("the same limit and address in another installation").isTrue();
  }

  @Test
  void tokensComeBackEvenlyOverThePeriod() throws InterruptedException {
    RateLimiter limiter = limiter(url, new RateLimit(2, Duration.ofSeconds(1)));
    assertThat(limiter.acquire("k").await().allowed()).isTrue();
    RateLimiter.Decision second = limiter.acquire("k").await();
    assertThat(second.allowed()).isTrue();
    assertThat(second.remaining()).isZero();
    assertThat(second.resetSeconds()).isEqualTo(1);
    assertThat(limiter.acquire("k").await().allowed()).isFalse();

    Thread.sleep(700);
    assertThat(limiter.acquire("k").await().allowed()).as("one token back after half the period").isTrue();
  }

  @Test
  void withRedisUnreachableThisNodesBucketsDecide() {
    URI redis = URI.create(url);
    Vertx proxyVertx = node();
    TcpProxy proxy = new TcpProxy(proxyVertx, redis.getHost(), redis.getPort()).start();
    RateLimiter limiter = limiter("redis://127.0.0.1:" + proxy.port(), new RateLimit(3, Duration.ofHours(1)));
    assertThat(limiter.acquire("k").await().allowed()).isTrue();

    proxy.cut();
    long started = System.nanoTime();
    List<Boolean> allowed = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      allowed.add(limiter.acquire("k").await().allowed());
    }
    assertThat(allowed).as("the node's own bucket of 3, fresh").containsExactly(true, true, true, false);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no request waits on a dead Redis for long")
        .isLessThan(Duration.ofSeconds(5));
    proxy.close();
  }

  private Vertx node() {
    Vertx v = Vertx.vertx();
    nodes.add(v);
    return v;
  }

  private RateLimiter limiter(String redisUrl, RateLimit rate) {
    return limiter(redisUrl, namespace, rate);
  }

  private RateLimiter limiter(String redisUrl, RedisNamespace installation, RateLimit rate) {
    Vertx v = node();
    return RateLimiter.redis(v, Redis.createClient(v, redisUrl), installation, name, rate);
  }
}
