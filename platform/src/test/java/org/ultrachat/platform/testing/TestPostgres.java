package org.ultrachat.platform.testing;

import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.ultrachat.platform.store.StoreTarget;

/**
 * A throw-away PostgreSQL database for one test class: created on a real server, dropped on
 * {@link #close()}. The server is {@code ULTRACHAT_TEST_PG_URL}, by default the local one.
 */
public final class TestPostgres implements AutoCloseable {
  /** Environment variable naming the server tests use (a database on it that may be connected to). */
  public static final String URL_ENV = "ULTRACHAT_TEST_PG_URL";
  private static final String DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
  private static final String HOW_TO = "start PostgreSQL (pg_ctlcluster --skip-systemctl-redirect "
      + "$(ls /etc/postgresql) main start) or point " + URL_ENV + " at a server you may create databases on";

  private final PgConnectOptions admin;
  private final String name;

  private TestPostgres(PgConnectOptions admin, String name) {
    this.admin = admin;
    this.name = name;
  }

  /**
   * Creates a fresh database; skips the test (or fails it under CI) when PostgreSQL is not reachable.
   */
  public static TestPostgres create() {
    String url = System.getenv().getOrDefault(URL_ENV, DEFAULT_URL);
    PgConnectOptions admin = PgConnectOptions.fromUri(url);
    String name = "ultrachat_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = jdbc(admin, admin.getDatabase()); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      RequiredService.unavailable("PostgreSQL", admin.getHost() + ":" + admin.getPort(), HOW_TO, e);
    }
    return new TestPostgres(admin, name);
  }

  /** @return a URL for the test database, in the form {@code db-url} takes */
  public String url() {
    return url(admin.getHost(), admin.getPort());
  }

  /** @return the test database's URL, but reached through another host and port (e.g. a proxy) */
  public String url(String host, int port) {
    String password = admin.getPassword() == null ? "" : ":" + admin.getPassword();
    return "postgresql://" + admin.getUser() + password + "@" + host + ":" + port + "/" + name;
  }

  /** @return a store target for the test database (pool of 4) */
  public StoreTarget target() {
    return StoreTarget.postgres(url(), 4);
  }

  public String host() {
    return admin.getHost();
  }

  public int port() {
    return admin.getPort();
  }

  /** @return a plain JDBC connection to the test database, for checking what the store holds */
  public Connection connect() throws SQLException {
    return jdbc(admin, name);
  }

  @Override
  public void close() {
    try (Connection c = jdbc(admin, admin.getDatabase()); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test database " + name, e);
    }
  }

  private static Connection jdbc(PgConnectOptions o, String database) throws SQLException {
    DriverManager.setLoginTimeout(5);
    return DriverManager.getConnection("jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + database,
        o.getUser(), o.getPassword() == null ? "" : o.getPassword());
  }
}
