package org.ultrachat.platform.crypto;

import java.util.Objects;

/**
 * Where a ciphertext lives: table, column and row id. It is authenticated with the ciphertext
 * (associated data), so a value copied to any other place fails to open.
 */
public record Binding(String table, String column, String rowId) {

  /** @throws IllegalArgumentException when a part is blank */
  public Binding {
    requireText(table, "table");
    requireText(column, "column");
    requireText(rowId, "rowId");
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException("binding " + name + " must not be blank");
    }
  }

  @Override
  public String toString() {
    return table + "." + column + " row " + rowId;
  }
}
