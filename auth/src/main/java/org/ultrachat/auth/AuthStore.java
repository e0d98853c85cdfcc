package org.ultrachat.auth;

import static org.ultrachat.platform.store.Sql.instant;
import static org.ultrachat.platform.store.Sql.one;
import static org.ultrachat.platform.store.Sql.params;
import static org.ultrachat.platform.store.Sql.rows;
import static org.ultrachat.platform.store.Sql.update;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Dialect;

/** The auth service's SQL: users, sessions, refresh tokens and personal access tokens. */
final class AuthStore {
  private static final String USER_COLUMNS =
      "id, username, display_name, role, password_hash, token_version, disabled_at, created_at";

  private static final String INSERT_USER = "INSERT INTO users (" + USER_COLUMNS + ", updated_at) VALUES "
      + "(#{id}, #{username}, #{displayName}, #{role}, #{passwordHash}, 0, NULL, #{now}, #{now})";
  private static final String USER_BY_ID = "SELECT " + USER_COLUMNS + " FROM users WHERE id = #{id}";
  private static final String USER_BY_NAME = "SELECT " + USER_COLUMNS + " FROM users WHERE username = #{username}";
  private static final String USERS_PAGE = "SELECT " + USER_COLUMNS + " FROM users WHERE id > #{after} "
      + "ORDER BY id LIMIT #{limit}";
  // ESCAPE '!': '_' is a LIKE wildcard and may be part of a username.
  private static final String USERS_BY_PREFIX = "SELECT " + USER_COLUMNS + " FROM users "
      + "WHERE username LIKE #{pattern} ESCAPE '!' AND disabled_at IS NULL ORDER BY username LIMIT #{limit}";
  private static final String ACTIVE_ADMINS = "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL";
  private static final String SET_PASSWORD = "UPDATE users SET password_hash = #{hash}, updated_at = #{now} "
      + "WHERE id = #{id}";
  private static final String SET_PASSWORD_AND_REVOKE = "UPDATE users SET password_hash = #{hash}, "
      + "token_version = token_version + 1, updated_at = #{now} WHERE id = #{id}";
  private static final String SET_ROLE = "UPDATE users SET role = #{role}, token_version = token_version + 1, "
      + "updated_at = #{now} WHERE id = #{id}";
  private static final String SET_DISABLED = "UPDATE users SET disabled_at = #{disabledAt}, "
      + "token_version = token_version + 1, updated_at = #{now} WHERE id = #{id}";

  private static final String SESSION_COLUMNS =
      "id, user_id, created_at, renewed_at, expires_at, revoked_at, revoke_reason, token_version, ip, user_agent";
  private static final String INSERT_SESSION = "INSERT INTO sessions (" + SESSION_COLUMNS + ") VALUES "
      + "(#{id}, #{userId}, #{now}, #{now}, #{expiresAt}, NULL, NULL, #{tokenVersion}, #{ip}, #{userAgent})";
  private static final String SESSION_BY_ID = "SELECT " + SESSION_COLUMNS + " FROM sessions WHERE id = #{id}";
  private static final String SESSIONS_OF_USER = "SELECT " + SESSION_COLUMNS + " FROM sessions "
      + "WHERE user_id = #{userId} AND revoked_at IS NULL AND expires_at > #{now} ORDER BY created_at DESC LIMIT 100";
  private static final String REVOKE_SESSION = "UPDATE sessions SET revoked_at = #{now}, revoke_reason = #{reason} "
      + "WHERE id = #{id} AND revoked_at IS NULL";
  private static final String REVOKE_USER_SESSIONS = "UPDATE sessions SET revoked_at = #{now}, "
      + "revoke_reason = #{reason} WHERE user_id = #{userId} AND revoked_at IS NULL";
  private static final String RENEW_SESSION = "UPDATE sessions SET renewed_at = #{now}, expires_at = #{expiresAt}, "
      + "ip = #{ip} WHERE id = #{id}";

  private static final String INSERT_REFRESH = "INSERT INTO refresh_tokens (token_hash, session_id, issued_at, spent_at) "
      + "VALUES (#{hash}, #{sessionId}, #{now}, NULL)";
  private static final String REFRESH_BY_HASH =
      "SELECT token_hash, session_id, spent_at FROM refresh_tokens WHERE token_hash = #{hash}";
  private static final String SPEND_REFRESH = "UPDATE refresh_tokens SET spent_at = #{now} "
      + "WHERE token_hash = #{hash} AND spent_at IS NULL";

  private static final String PAT_COLUMNS = "id, user_id, name, token_hash, scopes, created_at, expires_at, revoked_at";
  private static final String INSERT_PAT = "INSERT INTO access_tokens (" + PAT_COLUMNS + ") VALUES "
      + "(#{id}, #{userId}, #{name}, #{hash}, #{scopes}, #{now}, #{expiresAt}, NULL)";
  private static final String PAT_BY_HASH = "SELECT " + PAT_COLUMNS + " FROM access_tokens WHERE token_hash = #{hash}";
  private static final String PATS_OF_USER = "SELECT " + PAT_COLUMNS + " FROM access_tokens "
      + "WHERE user_id = #{userId} AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 200";
  private static final String REVOKE_PAT = "UPDATE access_tokens SET revoked_at = #{now} "
      + "WHERE id = #{id} AND user_id = #{userId} AND revoked_at IS NULL";
  private static final String REVOKE_USER_PATS = "UPDATE access_tokens SET revoked_at = #{now} "
      + "WHERE user_id = #{userId} AND revoked_at IS NULL";
  private static final String PAT_HASHES_OF_USER = "SELECT token_hash FROM access_tokens WHERE user_id = #{userId}";

  private final Database db;

  AuthStore(Database db) {
    this.db = db;
  }

  Database database() {
    return db;
  }

  // ---- users

  Future<Void> insertUser(SqlClient client, String id, String username, String displayName, Role role,
                          Optional<String> passwordHash) {
    Map<String, Object> p = params("id", id, "username", username, "displayName", displayName, "role", role.value());
    p.put("passwordHash", passwordHash.orElse(null));
    return SqlTemplate.forUpdate(client, INSERT_USER).execute(p).mapEmpty();
  }

  Future<Optional<User>> userById(SqlClient client, String id) {
    return one(client, USER_BY_ID, params("id", id)).map(r -> r.map(AuthStore::user));
  }

  Future<Optional<User>> userById(String id) {
    return userById(db.reader(), id);
  }

  Future<Optional<User>> userByName(String username) {
    return one(db.reader(), USER_BY_NAME, params("username", username)).map(r -> r.map(AuthStore::user));
  }

  Future<List<User>> users(String after, int limit) {
    Map<String, Object> p = params("after", after);
    p.put("limit", limit);
    return SqlTemplate.forQuery(db.reader(), USERS_PAGE).execute(p).map(rows -> rows(rows).stream().map(AuthStore::user).toList());
  }

  /** @return enabled users whose username starts with {@code prefix} (lower case), by username */
  Future<List<User>> usersByPrefix(String prefix, int limit) {
    String pattern = prefix.replace("!", "!!").replace("_", "!_").replace("%", "!%") + "%";
    Map<String, Object> p = params("pattern", pattern);
    p.put("limit", limit);
    return SqlTemplate.forQuery(db.reader(), USERS_BY_PREFIX).execute(p)
        .map(rows -> rows(rows).stream().map(AuthStore::user).toList());
  }

  /**
   * @return how many enabled admins there are. On PostgreSQL their rows are locked until the
   *     transaction ends, so two concurrent demotions cannot both see "another admin remains"
   *     (SQLite has one writer, so its transactions never interleave).
   */
  Future<Long> activeAdmins(SqlClient client) {
    String sql = db.dialect() == Dialect.POSTGRESQL ? ACTIVE_ADMINS + " FOR UPDATE"
        : ACTIVE_ADMINS;
    return SqlTemplate.forQuery(client, sql).execute(Map.of()).map(rows -> (long) rows.size());
  }

  Future<Void> setPassword(SqlClient client, String userId, String hash, boolean revokeTokens) {
    return update(client, revokeTokens ? SET_PASSWORD_AND_REVOKE : SET_PASSWORD, params("id", userId, "hash", hash));
  }

  Future<Void> setRole(SqlClient client, String userId, Role role) {
    return update(client, SET_ROLE, params("id", userId, "role", role.value()));
  }

  Future<Void> setDisabled(SqlClient client, String userId, boolean disabled) {
    Map<String, Object> p = params("id", userId);
    p.put("disabledAt", disabled ? System.currentTimeMillis() : null);
    return update(client, SET_DISABLED, p);
  }

  // ---- sessions and refresh tokens

  Future<Void> insertSession(SqlClient client, Session s) {
    Map<String, Object> p = params("id", s.id(), "userId", s.userId(), "ip", s.ip(), "userAgent", s.userAgent());
    p.put("expiresAt", s.expiresAt().toEpochMilli());
    p.put("tokenVersion", s.tokenVersion());
    return update(client, INSERT_SESSION, p);
  }

  Future<Optional<Session>> sessionById(SqlClient client, String id) {
    return one(client, SESSION_BY_ID, params("id", id)).map(r -> r.map(AuthStore::session));
  }

  Future<List<Session>> activeSessions(String userId) {
    return SqlTemplate.forQuery(db.reader(), SESSIONS_OF_USER).execute(params("userId", userId))
        .map(rows -> rows(rows).stream().map(AuthStore::session).toList());
  }

  /** @return whether this call revoked it (false: it was revoked already or does not exist) */
  Future<Boolean> revokeSession(SqlClient client, String sessionId, String reason) {
    return SqlTemplate.forUpdate(client, REVOKE_SESSION).execute(params("id", sessionId, "reason", reason))
        .map(r -> r.rowCount() == 1);
  }

  Future<Void> revokeUserSessions(SqlClient client, String userId, String reason) {
    return update(client, REVOKE_USER_SESSIONS, params("userId", userId, "reason", reason));
  }

  Future<Void> renewSession(SqlClient client, String sessionId, Instant expiresAt, String ip) {
    Map<String, Object> p = params("id", sessionId, "ip", ip);
    p.put("expiresAt", expiresAt.toEpochMilli());
    return update(client, RENEW_SESSION, p);
  }

  Future<Void> insertRefreshToken(SqlClient client, String hash, String sessionId) {
    return update(client, INSERT_REFRESH, params("hash", hash, "sessionId", sessionId));
  }

  /** A stored refresh token: its session and whether it was spent. */
  record RefreshToken(String sessionId, boolean spent) {
  }

  Future<Optional<RefreshToken>> refreshToken(SqlClient client, String hash) {
    return one(client, REFRESH_BY_HASH, params("hash", hash))
        .map(r -> r.map(row -> new RefreshToken(row.getString("session_id"), row.getValue("spent_at") != null)));
  }

  /** @return whether this call spent it (false: someone spent it first) */
  Future<Boolean> spendRefreshToken(SqlClient client, String hash) {
    return SqlTemplate.forUpdate(client, SPEND_REFRESH).execute(params("hash", hash)).map(r -> r.rowCount() == 1);
  }

  // ---- personal access tokens

  Future<Void> insertAccessToken(SqlClient client, PersonalToken t, String hash) {
    Map<String, Object> p = params("id", t.id(), "userId", t.userId(), "name", t.name(), "hash", hash,
        "scopes", String.join(" ", t.scopes()));
    p.put("expiresAt", t.expiresAt().map(Instant::toEpochMilli).orElse(null));
    return update(client, INSERT_PAT, p);
  }

  Future<Optional<PersonalToken>> accessTokenByHash(String hash) {
    return one(db.reader(), PAT_BY_HASH, params("hash", hash)).map(r -> r.map(AuthStore::personalToken));
  }

  Future<List<PersonalToken>> accessTokens(String userId) {
    return SqlTemplate.forQuery(db.reader(), PATS_OF_USER).execute(params("userId", userId))
        .map(rows -> rows(rows).stream().map(AuthStore::personalToken).toList());
  }

  Future<Boolean> revokeAccessToken(SqlClient client, String userId, String tokenId) {
    return SqlTemplate.forUpdate(client, REVOKE_PAT).execute(params("id", tokenId, "userId", userId))
        .map(r -> r.rowCount() == 1);
  }

  Future<Void> revokeUserAccessTokens(SqlClient client, String userId) {
    return update(client, REVOKE_USER_PATS, params("userId", userId));
  }

  Future<List<String>> accessTokenHashes(String userId) {
    return SqlTemplate.forQuery(db.reader(), PAT_HASHES_OF_USER).execute(params("userId", userId))
        .map(rows -> rows(rows).stream().map(r -> r.getString("token_hash")).toList());
  }

  // ---- mapping

  private static User user(Row r) {
    return new User(r.getString("id"), r.getString("username"), r.getString("display_name"),
        Role.of(r.getString("role")).orElseThrow(), Optional.ofNullable(r.getString("password_hash")),
        r.getInteger("token_version"), instant(r, "disabled_at"), Instant.ofEpochMilli(r.getLong("created_at")));
  }

  private static Session session(Row r) {
    return new Session(r.getString("id"), r.getString("user_id"), Instant.ofEpochMilli(r.getLong("created_at")),
        Instant.ofEpochMilli(r.getLong("renewed_at")), Instant.ofEpochMilli(r.getLong("expires_at")),
        instant(r, "revoked_at"), r.getInteger("token_version"), r.getString("ip"), r.getString("user_agent"));
  }

  private static PersonalToken personalToken(Row r) {
    return new PersonalToken(r.getString("id"), r.getString("user_id"), r.getString("name"),
        Set.of(r.getString("scopes").split(" ")), Instant.ofEpochMilli(r.getLong("created_at")),
        instant(r, "expires_at"), instant(r, "revoked_at"));
  }
}
