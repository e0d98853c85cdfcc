package org.ultrachat.platform.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the services of one node offer each other, by type: the auth module provides the
 * {@code Authenticator} and the {@code UserDirectory}, chat the {@code ChatLink}, whether they
 * run here or are reached on another node. A module finds what it needs here instead of
 * importing the module that provides it. Filled while the node starts, on one thread.
 */
public final class Capabilities {
  private final Map<Class<?>, Object> provided = new LinkedHashMap<>();

  /**
   * @throws IllegalStateException when another module already provided one: two providers would
   *     make the answer depend on the list's order
   */
  public synchronized <T> void provide(Class<T> type, T implementation) {
    if (provided.putIfAbsent(type, type.cast(implementation)) != null) {
      throw new IllegalStateException(type.getSimpleName() + " is provided twice");
    }
  }

  /** @return the provided implementation of {@code type}, if a module provided one */
  public synchronized <T> Optional<T> find(Class<T> type) {
    return Optional.ofNullable(provided.get(type)).map(type::cast);
  }

  /**
   * @param why what it is needed for, for the message
   * @throws IllegalStateException when no module provided one
   */
  public <T> T require(Class<T> type, String why) {
    return find(type).orElseThrow(() -> new IllegalStateException(why + ": no " + type.getSimpleName() + " here"));
  }
}
