package org.ultrachat.platform.store;

import org.ultrachat.platform.testing.TestPostgres;

/** The group-commit contract on a real PostgreSQL database (created per test, dropped after). */
class PostgresGroupCommitIT extends GroupCommitContract {
  private TestPostgres pg;

  @Override
  StoreTarget freshTarget() {
    pg = TestPostgres.create();
    return pg.target();
  }

  @Override
  void storeClosed() {
    if (pg != null) {
      pg.close();
    }
  }
}
