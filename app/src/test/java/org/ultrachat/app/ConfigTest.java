package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.auth.AuthSettings;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.ratelimit.RateLimit;

/** The configuration as a node of this build loads it: every module's keys, checked at load. */
class ConfigTest {
  @TempDir
  Path dir;

  @Test
  void defaultsServeTheEmbeddedStoreOnPort8080() {
    Config config = Config.defaults();
    assertThat(config.integer(EdgeSettings.HTTP_PORT)).isEqualTo(8080);
    assertThat(config.optional(NodeSettings.DB_URL)).isEmpty();
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
  }

  @Test
  void flagsOverrideEnvironmentWhichOverridesTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("ultrachat.properties"),
        "http-port = 9001\ndata-dir = /from/file\ndb-pool-size = 3\n");
    Config config = Config.load(Node.settings(Modules.ALL), Optional.of(file),
        Map.of("ULTRACHAT_HTTP_PORT", "9002", "ULTRACHAT_DATA_DIR", "/from/env"),
        Map.of("http-port", "9003"));
    assertThat(config.integer(EdgeSettings.HTTP_PORT)).isEqualTo(9003);
    assertThat(config.string(NodeSettings.DATA_DIR)).isEqualTo("/from/env");
    assertThat(config.integer(NodeSettings.DB_POOL_SIZE)).isEqualTo(3);
  }

  @Test
  void unknownKeyInAFileIsRefusedByName() throws IOException {
    Path file = Files.writeString(dir.resolve("ultrachat.properties"), "http-prot = 9001\n");
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.of(file), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown configuration key 'http-prot'");
  }

  @Test
  void invalidValuesAreRefusedWithTheKeyAndTheReason() {
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of("ULTRACHAT_HTTP_PORT", "eighty"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http-port must be a whole number");
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of(), Map.of("http-port", "70000")))
        .hasMessageContaining("http-port must be between 0 and 65535");
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of(), Map.of("db-url", "mysql://x/y")))
        .hasMessageContaining("db-url must start with postgresql://");
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of(), Map.of("cors-origins", "*")))
        .hasMessageContaining("'*' is not an origin");
  }

  @Test
  void rateLimitsAndTrustedProxiesAreCheckedAtLoad() {
    Config config = Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of("ULTRACHAT_RATE_LIMIT_AUTH", "20/1h"),
        Map.of("trusted-proxies", "10.0.0.0/8, ::1"));
    assertThat(config.string(EdgeSettings.RATE_LIMIT_AUTH)).isEqualTo("20/1h");
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of(), Map.of("rate-limit-auth", "100 per 15 minutes")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("rate-limit-auth: '100 per 15 minutes' is not a rate");
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of("ULTRACHAT_RATE_LIMIT_API_IP", "0/1m"), Map.of()))
        .hasMessageContaining("rate-limit-api-ip: '0/1m' must allow between 1");
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of(), Map.of("rate-limit-api-user", "10/2d")))
        .hasMessageContaining("rate-limit-api-user:");
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of(), Map.of("rate-limit-login", "10/48h")))
        .hasMessageContaining("rate-limit-login: '10/48h' must have a period between 1s and 24h");
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of(), Map.of("trusted-proxies", "10.0.0.0/8, lb.internal")))
        .hasMessageContaining("trusted-proxies: 'lb.internal' is not an IP address or CIDR");
  }

  @Test
  void everyInvalidValueIsReportedAtOnce() {
    assertThatThrownBy(() -> Config.load(Node.settings(Modules.ALL), Optional.empty(), Map.of(),
        Map.of("rate-limit-auth", "x", "rate-limit-login", "y", "trusted-proxies", "z")))
        .hasMessageContaining("rate-limit-auth:").hasMessageContaining("rate-limit-login:")
        .hasMessageContaining("trusted-proxies:");
  }

  @Test
  void environmentNamesFollowTheKeys() {
    assertThat(NodeSettings.DB_URL.envName()).isEqualTo("ULTRACHAT_DB_URL");
    assertThat(EdgeSettings.HTTP_MAX_BODY_BYTES.envName()).isEqualTo("ULTRACHAT_HTTP_MAX_BODY_BYTES");
  }

  @Test
  void everyKeyIsDocumentedInConfigurationMd() throws IOException {
    String docs = Files.readString(Path.of("../docs/configuration.md"));
    for (Setting s : Node.settings(Modules.ALL)) {
      assertThat(docs).as("docs/configuration.md documents " + s.key())
          .contains("`" + s.key() + "`").contains("`" + s.envName() + "`");
    }
  }

  @Test
  void configuredRateNamesItsKeyWhenInvalid() {
    Config config = Config.defaults();
    assertThat(RateLimit.of(config, AuthSettings.RATE_LIMIT_LOGIN)).isEqualTo(new RateLimit(10, Duration.ofMinutes(15)));
    assertThat(RateLimit.of(config, EdgeSettings.RATE_LIMIT_AUTH)).isEqualTo(new RateLimit(100, Duration.ofMinutes(15)));
  }
}
