package org.ultrachat.platform.store;

import io.vertx.pgclient.PgConnectOptions;
import java.util.Optional;
import org.ultrachat.platform.testing.TestPostgres;

/** The store contract on a real PostgreSQL database (created per test, dropped after). */
class PostgresStoreIT extends StoreContract {
  private TestPostgres pg;

  @Override
  StoreTarget freshTarget() {
    pg = TestPostgres.create();
    return new StoreTarget(Dialect.POSTGRESQL, Optional.empty(), Optional.of(PgConnectOptions.fromUri(pg.url())), 4, 5000);
  }

  @Override
  StoreTarget unreachableTarget() {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    return new StoreTarget(Dialect.POSTGRESQL, Optional.empty(),
        Optional.of(PgConnectOptions.fromUri(pg.url("127.0.0.1", 1))), 4, 5000);
  }

  @Override
  void storeClosed() {
    if (pg != null) {
      pg.close();
    }
  }
}
