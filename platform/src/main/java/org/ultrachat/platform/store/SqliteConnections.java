package org.ultrachat.platform.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Connections to the SQLite file for the Vert.x JDBC pool, mended so that a connection is back in
 * auto-commit mode after a transaction.
 *
 * <p>Why: the Vert.x JDBC client (5.0.7 to 5.0.10, {@code JDBCTxOp}) calls
 * {@code setAutoCommit(false)} again after {@code commit()} or {@code rollback()}. The next
 * plain write on that pooled connection would then sit in an open transaction that nobody
 * commits: invisible to every other connection and lost on restart. Here the
 * {@code setAutoCommit(false)} that follows a commit or rollback becomes {@code true}.
 * {@code StoreContract.aPlainWriteAfterATransactionIsCommittedAndVisibleToReaders} fails without it.
 * A commit that fails is followed by a rollback ({@link #endFailedCommit}); {@code
 * StoreContract.aFailedCommitKeepsNothingAndTheNextWriteCommits} fails without that.
 */
final class SqliteConnections implements DataSource {
  private final SQLiteDataSource delegate;

  /** Every connection: WAL, synchronous=FULL (a commit is on disk when it returns), foreign keys, a busy timeout. */
  SqliteConnections(Path file, int busyTimeoutMs) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(busyTimeoutMs);
    delegate = new SQLiteDataSource(config);
    delegate.setUrl("jdbc:sqlite:" + file);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return mend(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return mend(delegate.getConnection(username, password));
  }

  private static Connection mend(Connection connection) {
    boolean[] transactionEnded = {false};
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          String name = method.getName();
          boolean noArgs = args == null || args.length == 0;
          if (name.equals("setAutoCommit") && transactionEnded[0] && Boolean.FALSE.equals(args[0])) {
            transactionEnded[0] = false;
            connection.setAutoCommit(true);
            return null;
          }
          if (name.equals("setAutoCommit")) {
            transactionEnded[0] = false;
          }
          try {
            Object result = method.invoke(connection, args);
            if ((name.equals("commit") || name.equals("rollback")) && noArgs) {
              transactionEnded[0] = true;
            }
            return result;
          } catch (InvocationTargetException e) {
            if (name.equals("commit") && noArgs) {
              endFailedCommit(connection, e.getCause());
              transactionEnded[0] = true;
            }
            throw e.getCause();
          }
        });
  }

  /**
   * SQLite keeps the transaction open when COMMIT fails (a deferred foreign key violated, say);
   * PostgreSQL ends it, and the Vert.x client, which does not roll back after a failed commit,
   * behaves as if it ended. Left open, the writer connection would carry the failed changes into
   * every later transaction, each failing at its commit. Rolling back here makes a failed commit
   * keep nothing, as on PostgreSQL.
   */
  private static void endFailedCommit(Connection connection, Throwable commitFailure) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      commitFailure.addSuppressed(e);
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return delegate.isWrapperFor(type);
  }
}
