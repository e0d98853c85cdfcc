package org.ultrachat.platform.store;

import org.ultrachat.platform.testing.TestPostgres;

/** The store contract on a real PostgreSQL database (created per test, dropped after). */
class PostgresStoreIT extends StoreContract {
  private TestPostgres pg;

  @Override
  StoreTarget freshTarget() {
    pg = TestPostgres.create();
    return pg.target();
  }

  @Override
  StoreTarget unreachableTarget() {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    return StoreTarget.postgres(pg.url("127.0.0.1", 1), 4);
  }

  @Override
  void storeClosed() {
    if (pg != null) {
      pg.close();
    }
  }
}
