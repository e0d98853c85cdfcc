package org.ultrachat.platform.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;

/**
 * The secret nodes of one cluster share to call each other's internal routes. Whoever holds it
 * may act as any user on those routes, so it is long, compared in constant time, and never
 * logged.
 */
public final class ClusterSecret {
  static final int MIN_LENGTH = 32;
  private final byte[] value;

  private ClusterSecret(String value) {
    this.value = value.getBytes(StandardCharsets.UTF_8);
  }

  /** @throws ConfigException when the secret is set but too short to resist guessing */
  public static Optional<ClusterSecret> of(Config config) {
    return config.optional(NodeSettings.CLUSTER_SECRET).map(s -> {
      if (s.length() < MIN_LENGTH) {
        throw new ConfigException(NodeSettings.CLUSTER_SECRET.key() + " must have at least " + MIN_LENGTH
            + " characters (e.g. openssl rand -hex 32)");
      }
      return new ClusterSecret(s);
    });
  }

  /** @return whether an {@code Authorization} header carries this secret as its bearer token */
  public boolean matches(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(value, authorization.substring(7).getBytes(StandardCharsets.UTF_8));
  }

  String header() {
    return "Bearer " + new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ClusterSecret[hidden]";
  }
}
