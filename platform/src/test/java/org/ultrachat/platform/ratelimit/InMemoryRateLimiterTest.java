package org.ultrachat.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.ratelimit.RateLimiter.Decision;

/** The in-memory limiter on a clock the test moves: no sleeping, no timing assertions. */
class InMemoryRateLimiterTest {
  /** A clock that stands still until the test advances it. */
  private static final class ManualClock implements TimeMeter {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long currentTimeNanos() {
      return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
    }
  }

  private final ManualClock clock = new ManualClock();
  // 10 per 15 minutes: one token comes back every 90 seconds.
  private final RateLimiter limiter = RateLimiter.inMemory(RateLimit.parse("10/15m"), clock, 1000);

  private Decision acquire(String key) {
    return limiter.acquire(key).await();
  }

  private void drain(String key, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(acquire(key).allowed()).isTrue();
    }
  }

  @Test
  void allowsTheCapacityCountingDownRemaining() {
    for (int remaining = 9; remaining >= 0; remaining--) {
      Decision d = acquire("alice");
      assertThat(d.allowed()).isTrue();
      assertThat(d.limit()).isEqualTo(10);
      assertThat(d.remaining()).isEqualTo(remaining);
      assertThat(d.retryAfterSeconds()).isZero();
    }
  }

  @Test
  void refusesOnceEmptyAndSaysWhenToRetry() {
    drain("alice", 10);
    Decision refused = acquire("alice");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfterSeconds()).isEqualTo(90);
    assertThat(refused.resetSeconds()).isEqualTo(900);
  }

  @Test
  void refillsGreedilyOneTokenPerSliceOfThePeriod() {
    drain("alice", 10);
    clock.advance(Duration.ofSeconds(89));
    assertThat(acquire("alice").retryAfterSeconds()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(acquire("alice").allowed()).isTrue();
    assertThat(acquire("alice").allowed()).isFalse();
  }

  @Test
  void refillsCompletelyAfterThePeriod() {
    drain("alice", 10);
    clock.advance(Duration.ofMinutes(15));
    Decision d = acquire("alice");
    assertThat(d.allowed()).isTrue();
    assertThat(d.remaining()).isEqualTo(9);
    drain("alice", 9);
    assertThat(acquire("alice").allowed()).isFalse();
  }

  @Test
  void everyKeyHasItsOwnBucket() {
    drain("alice", 10);
    assertThat(acquire("alice").allowed()).isFalse();
    Decision bob = acquire("bob");
    assertThat(bob.allowed()).isTrue();
    assertThat(bob.remaining()).isEqualTo(9);
  }

  @Test
  void anAddressScanCannotGrowTheBucketsBeyondTheBound() {
    InMemoryRateLimiter bounded = new InMemoryRateLimiter(RateLimit.parse("10/15m"), clock, 100);
    for (int i = 0; i < 5_000; i++) {
      bounded.acquire("198.51.100." + i).await();
    }
    assertThat(bounded.trackedKeys()).isLessThanOrEqualTo(100);
  }

  @Test
  void idleBucketsAreDroppedAfterThePeriodWithoutForgettingActiveOnes() {
    InMemoryRateLimiter limited = new InMemoryRateLimiter(RateLimit.parse("10/15m"), clock, 100);
    limited.acquire("idle").await();
    clock.advance(Duration.ofMinutes(10));
    for (int i = 0; i < 10; i++) {
      limited.acquire("active").await();
    }
    clock.advance(Duration.ofMinutes(6));
    assertThat(limited.trackedKeys()).isEqualTo(1);
    // Six minutes bring back four tokens; a forgotten bucket would have started full again.
    assertThat(limited.acquire("active").await().remaining()).isEqualTo(3);
  }
}
