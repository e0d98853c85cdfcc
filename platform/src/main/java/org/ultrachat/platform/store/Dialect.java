package org.ultrachat.platform.store;

/** The SQL engines UltraChat stores data in. Migrations differ per dialect only where they must. */
public enum Dialect {
  /** The embedded default: one file under the data directory, one writer. */
  SQLITE("sqlite"),
  /** Cluster mode: a shared PostgreSQL server. */
  POSTGRESQL("postgresql");

  private final String folder;

  Dialect(String folder) {
    this.folder = folder;
  }

  /** @return the migration folder name for this dialect */
  public String folder() {
    return folder;
  }
}
