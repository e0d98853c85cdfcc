package org.ultrachat.auth;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Cached state that every authenticated request checks: the user (disabled? token version?
 * role?), the session of an access token (revoked? expired?) and personal access tokens by hash.
 * The auth service invalidates an entry in the same moment it changes the row, so a revocation
 * takes effect at once on this node; the short time-to-live bounds how long another node may
 * hold a stale entry until bus invalidation arrives (cluster mode).
 */
final class Credentials {
  static final Duration TTL = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final AsyncLoadingCache<String, Optional<User>> users;
  private final AsyncLoadingCache<String, Optional<Session>> sessions;
  private final AsyncLoadingCache<String, Optional<PersonalToken>> personalTokens;

  Credentials(Vertx vertx, AuthStore store) {
    this.vertx = vertx;
    this.users = cache(100_000, id -> store.userById(id));
    this.sessions = cache(200_000, id -> store.sessionById(store.database().reader(), id));
    this.personalTokens = cache(100_000, store::accessTokenByHash);
  }

  private static <V> AsyncLoadingCache<String, Optional<V>> cache(long size, Function<String, Future<Optional<V>>> load) {
    return Caffeine.newBuilder().maximumSize(size).expireAfterWrite(TTL)
        .buildAsync((key, executor) -> load.apply(key).toCompletionStage().toCompletableFuture());
  }

  Future<Optional<User>> user(String id) {
    return back(users.get(id));
  }

  Future<Optional<Session>> session(String id) {
    return back(sessions.get(id));
  }

  Future<Optional<PersonalToken>> personalToken(String hash) {
    return back(personalTokens.get(hash));
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

  /** Completes on the caller's Vert.x context, whichever thread finished the load. */
  private <T> Future<T> back(java.util.concurrent.CompletableFuture<T> stage) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(stage, context);
  }
}
