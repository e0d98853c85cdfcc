package org.ultrachat.platform.config;

/** A configuration that cannot be used; the message says which key and why. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
