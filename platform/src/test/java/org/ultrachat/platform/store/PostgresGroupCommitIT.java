package org.ultrachat.platform.store;

import io.vertx.pgclient.PgConnectOptions;
import java.util.Optional;
import org.ultrachat.platform.testing.TestPostgres;

/** The group-commit contract on a real PostgreSQL database (created per test, dropped after). */
class PostgresGroupCommitIT extends GroupCommitContract {
  private TestPostgres pg;

  @Override
  StoreTarget freshTarget() {
    pg = TestPostgres.create();
    return new StoreTarget(Dialect.POSTGRESQL, Optional.empty(), Optional.of(PgConnectOptions.fromUri(pg.url())), 4, 5000);
  }

  @Override
  void storeClosed() {
    if (pg != null) {
      pg.close();
    }
  }
}
