package org.ultrachat.auth;

import java.util.Arrays;
import java.util.Optional;

/** Global roles. Per-channel roles belong to the chat service. */
enum Role {
  ADMIN("admin"), MEMBER("member"), GUEST("guest"), BOT("bot");

  private final String value;

  Role(String value) {
    this.value = value;
  }

  String value() {
    return value;
  }

  static Optional<Role> of(String value) {
    return Arrays.stream(values()).filter(r -> r.value.equals(value)).findFirst();
  }
}
