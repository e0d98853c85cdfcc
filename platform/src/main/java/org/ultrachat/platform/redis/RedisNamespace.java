package org.ultrachat.platform.redis;

import java.util.Objects;

/**
 * Where one installation's names begin in Redis: every key and pub/sub channel UltraChat uses
 * starts with {@code ultrachat:<installation id>:}. Installations sharing one Redis (staging and
 * production, or the test suites of a build) then neither hear each other's events nor spend each
 * other's rate limits or see each other's presence, with no setting to keep apart by hand.
 *
 * @param prefix the text every name of the installation starts with
 */
public record RedisNamespace(String prefix) {
  public RedisNamespace {
    Objects.requireNonNull(prefix, "prefix");
  }

  /** @param installationId the id of the installation record every node of a cluster reads */
  public static RedisNamespace of(String installationId) {
    return new RedisNamespace("ultrachat:" + Objects.requireNonNull(installationId, "installationId") + ":");
  }

  /** @return {@code name} inside this namespace */
  public String name(String name) {
    return prefix + name;
  }
}
