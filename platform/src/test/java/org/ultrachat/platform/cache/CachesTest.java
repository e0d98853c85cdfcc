package org.ultrachat.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.AsyncCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CachesTest {
  private final Caches caches = new Caches(new CacheSpec(Optional.of(Duration.ofHours(1)), Optional.of(100L)),
      Map.of("small", new CacheSpec(Optional.empty(), Optional.of(10L))), new SimpleMeterRegistry());

  @Test
  void invalidateAllEmptiesEveryCacheMadeHere() {
    AsyncCache<String, String> one = caches.async("small");
    AsyncCache<String, String> two = caches.async("other");
    one.synchronous().put("a", "1");
    two.synchronous().put("b", "2");

    caches.invalidateAll();

    assertThat(one.synchronous().getIfPresent("a")).isNull();
    assertThat(two.synchronous().getIfPresent("b")).isNull();
    two.synchronous().put("c", "3");
    assertThat(two.synchronous().getIfPresent("c")).as("still usable afterwards").isEqualTo("3");
  }

  @Test
  void aNamedSpecOverridesTheFallbackWhereItSaysSomething() {
    assertThat(caches.spec("small").maxSize()).contains(10L);
    assertThat(caches.spec("small").ttl()).contains(Duration.ofHours(1));
    assertThat(caches.spec("unnamed").maxSize()).contains(100L);
  }
}
