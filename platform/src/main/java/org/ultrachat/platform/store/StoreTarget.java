package org.ultrachat.platform.store;

import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;

/**
 * Where the store lives, derived from configuration: an SQLite file under the data directory,
 * or the PostgreSQL server named by {@code db-url}. Knows the JDBC form that migrations need.
 */
public record StoreTarget(Dialect dialect, Optional<Path> sqliteFile, Optional<PgConnectOptions> postgres,
                          int poolSize, int busyTimeoutMs) {

  public StoreTarget {
    Objects.requireNonNull(dialect, "dialect");
    if (dialect == Dialect.SQLITE && sqliteFile.isEmpty() || dialect == Dialect.POSTGRESQL && postgres.isEmpty()) {
      throw new IllegalArgumentException("store target lacks the location for " + dialect);
    }
  }

  /** @return the target the configuration names */
  public static StoreTarget of(Config config) {
    int poolSize = config.integer(NodeSettings.DB_POOL_SIZE);
    int busyTimeout = config.integer(NodeSettings.DB_BUSY_TIMEOUT_MS);
    return config.optional(NodeSettings.DB_URL)
        .map(url -> postgres(url, poolSize))
        .orElseGet(() -> sqlite(config.dataDir().resolve("ultrachat.db").toAbsolutePath().normalize(), poolSize,
            busyTimeout));
  }

  /** @return a PostgreSQL target for a {@code postgresql://} (or {@code postgres://}) URI */
  public static StoreTarget postgres(String uri, int poolSize) {
    return new StoreTarget(Dialect.POSTGRESQL, Optional.empty(),
        Optional.of(PgConnectOptions.fromUri(uri.replaceFirst("^postgres://", "postgresql://"))), poolSize, 0);
  }

  /** @return an SQLite target for the database file */
  public static StoreTarget sqlite(Path file, int poolSize, int busyTimeoutMs) {
    return new StoreTarget(Dialect.SQLITE, Optional.of(file), Optional.empty(), poolSize, busyTimeoutMs);
  }

  /**
   * @return the JDBC URL. For SQLite it carries the pragmas every connection needs: WAL (readers
   *     never block the writer), synchronous=FULL (a commit is on disk before it returns, so an
   *     ack means durable) and a busy timeout.
   */
  public String jdbcUrl() {
    if (dialect == Dialect.SQLITE) {
      return "jdbc:sqlite:" + sqliteFile.orElseThrow() + "?journal_mode=WAL&synchronous=FULL&foreign_keys=true"
          + "&busy_timeout=" + busyTimeoutMs;
    }
    PgConnectOptions pg = postgres.orElseThrow();
    return "jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase();
  }

  /** Creates the directory of the SQLite file if missing; nothing for PostgreSQL. */
  public void createDirectories() {
    sqliteFile.ifPresent(file -> {
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create data directory " + file.getParent(), e);
      }
    });
  }

  /** @return the user for JDBC (PostgreSQL), empty for SQLite */
  public String jdbcUser() {
    return postgres.map(PgConnectOptions::getUser).orElse("");
  }

  /** @return the password for JDBC (PostgreSQL), empty for SQLite */
  public String jdbcPassword() {
    return postgres.map(pg -> Optional.ofNullable(pg.getPassword()).orElse("")).orElse("");
  }

  /** @return where the store is, for logs: never includes a password */
  public String describe() {
    return dialect == Dialect.SQLITE ? "SQLite " + sqliteFile.orElseThrow()
        : "PostgreSQL " + postgres.map(pg -> pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase()).orElseThrow();
  }
}
