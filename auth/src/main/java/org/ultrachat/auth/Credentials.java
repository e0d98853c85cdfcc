package org.ultrachat.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.cache.CacheSpec;
import org.ultrachat.platform.cache.Caches;

/**
 * Cached state that every authenticated request checks: the user (disabled? token version?
 * role?), the session of an access token (revoked? expired?) and personal access tokens by hash.
 * The auth service invalidates an entry in the same moment it changes the row, so a revocation
 * takes effect at once on this node; the short time-to-live bounds how long another node may
 * hold a stale entry until bus invalidation arrives (cluster mode). After a change it announces
 * the user or session on {@link Bus#CREDENTIALS_TOPIC}, so open WebSockets are re-checked at once.
 */
final class Credentials {

  private final Vertx vertx;
  private final AuthStore store;
  private final Bus bus;
  private final AsyncCache<String, Optional<User>> users;
  private final AsyncCache<String, Optional<Session>> sessions;
  private final AsyncCache<String, Optional<PersonalToken>> personalTokens;

  /** Revocation state: short and fixed, so another node's revocation reaches here within 30 s even without the bus. */
  private static final Function<Long, CacheSpec> REVOCATIONS =
      max -> new CacheSpec(Optional.of(Duration.ofSeconds(30)), Optional.of(max));

  Credentials(Vertx vertx, AuthStore store, Caches caches, Bus bus) {
    this.vertx = vertx;
    this.bus = bus;
    this.store = store;
    this.users = caches.async("users");
    this.sessions = caches.async("sessions", REVOCATIONS.apply(200_000L));
    this.personalTokens = caches.async("personal-tokens", REVOCATIONS.apply(100_000L));
    // Changes made on other nodes: forget them here too, so REST requests see them at once.
    bus.subscribe(Bus.CREDENTIALS_TOPIC, this::forget);
  }

  /** Forgets the user or session a {@link Bus#CREDENTIALS_TOPIC} event names. */
  void forget(JsonObject change) {
    Optional.ofNullable(change.getString("userId")).ifPresent(this::invalidateUser);
    Optional.ofNullable(change.getString("sessionId")).ifPresent(this::invalidateSession);
  }

  Future<Optional<User>> user(String id) {
    return load(users, id, () -> store.userById(id));
  }

  Future<Optional<Session>> session(String id) {
    return load(sessions, id, () -> store.sessionById(store.database().reader(), id));
  }

  Future<Optional<PersonalToken>> personalToken(String hash) {
    return load(personalTokens, hash, () -> store.accessTokenByHash(hash));
  }

  private <V> Future<V> load(AsyncCache<String, V> cache, String key, Supplier<Future<V>> loader) {
    return Caches.get(vertx, cache, key, loader);
  }

  void invalidateUser(String id) {
    users.synchronous().invalidate(id);
  }

  void invalidateSession(String id) {
    sessions.synchronous().invalidate(id);
  }

  void invalidatePersonalToken(String hash) {
    personalTokens.synchronous().invalidate(hash);
  }

  /** Tells holders of open connections that the user's credentials changed; call after invalidating. */
  void announceUser(String userId) {
    bus.publish(Bus.CREDENTIALS_TOPIC, new JsonObject().put("userId", userId));
  }

  /** Tells holders of open connections that a session ended; call after invalidating. */
  void announceSession(String sessionId) {
    bus.publish(Bus.CREDENTIALS_TOPIC, new JsonObject().put("sessionId", sessionId));
  }
}
