package org.ultrachat.auth;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ultrachat.platform.directory.UserDirectory;

/** The auth service's answer to "who is this user" for other services; ids go through the credential cache. */
final class Directory implements UserDirectory {
  /** Most usernames one lookup resolves (mentions in one message are capped below this). */
  static final int MAX_NAMES = 64;

  private final AuthStore store;
  private final Credentials credentials;

  Directory(AuthStore store, Credentials credentials) {
    this.store = store;
    this.credentials = credentials;
  }

  @Override
  public Future<Optional<UserInfo>> byId(String userId) {
    return credentials.user(userId).map(u -> u.map(Directory::info));
  }

  @Override
  public Future<Map<String, UserInfo>> byUsernames(Collection<String> usernames) {
    List<String> names = usernames.stream().distinct().limit(MAX_NAMES).toList();
    List<Future<Optional<User>>> lookups = names.stream().map(store::userByName).toList();
    return Future.all(lookups).map(done -> {
      Map<String, UserInfo> found = new HashMap<>();
      for (Future<Optional<User>> f : lookups) {
        f.result().ifPresent(u -> found.put(u.username(), info(u)));
      }
      return found;
    });
  }

  /** @return the users with these ids, in the order given; unknown ids are left out */
  Future<List<UserInfo>> byIds(List<String> ids) {
    List<Future<Optional<User>>> lookups = ids.stream().distinct().map(credentials::user).toList();
    return Future.all(lookups).map(done -> lookups.stream()
        .flatMap(f -> f.result().stream()).map(Directory::info).toList());
  }

  /** @return enabled users whose username starts with the prefix, by username */
  Future<List<UserInfo>> byPrefix(String prefix, int limit) {
    return store.usersByPrefix(prefix, limit).map(list -> list.stream().map(Directory::info).toList());
  }

  private static UserInfo info(User u) {
    return new UserInfo(u.id(), u.username(), u.displayName(), u.role().value(), u.disabled());
  }
}
