package org.ultrachat.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;

class MasterKeyTest {
  @TempDir
  Path dir;
  private final Logger log = (Logger) LoggerFactory.getLogger(MasterKey.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    log.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    log.detachAppender(logged);
  }

  private Config config(Setting setting, String value) {
    Map<Setting, String> values = new HashMap<>(Map.of(NodeSettings.DATA_DIR, dir.resolve("data").toString()));
    if (setting != null) {
      values.put(setting, value);
    }
    return Config.defaults().with(values);
  }

  private static String randomKey() {
    return Base64.getEncoder().encodeToString(AesGcm.randomBytes(32));
  }

  /** Two master keys are the same when what one wraps the other unwraps. */
  private static void assertSameKey(MasterKey a, MasterKey b) {
    byte[] dataKey = AesGcm.randomBytes(32);
    assertThat(b.unwrap(7, a.wrap(7, dataKey)).getEncoded()).isEqualTo(dataKey);
  }

  @Test
  void withoutAConfiguredKeyOneIsGeneratedOwnerOnlyAndReadBackLater() throws IOException {
    MasterKey first = MasterKey.load(config(null, ""));
    Path file = dir.resolve("data/keys/master.key");
    assertThat(file).exists();
    assertThat(Base64.getDecoder().decode(Files.readString(file).trim())).hasSize(32);
    assumeTrue(Files.getFileStore(file).supportsFileAttributeView("posix"), "POSIX permissions");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(dir.resolve("data/keys")).isDirectoryNotContaining("glob:**.tmp");

    MasterKey second = MasterKey.load(config(null, ""));
    assertSameKey(first, second);
  }

  @Test
  void generatingAKeyWarnsToBackItUpAndNeverLogsIt() throws IOException {
    MasterKey.load(config(null, ""));
    MasterKey.load(config(null, ""));
    String key = Files.readString(dir.resolve("data/keys/master.key")).trim();
    assertThat(logged.list).hasSize(1).first().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).contains("back it up", "unreadable");
      assertThat(event.getKeyValuePairs()).anySatisfy(kv -> assertThat(kv.value.toString()).endsWith("master.key"));
    });
    assertThat(logged.list).allSatisfy(event -> assertThat(event.toString()).doesNotContain(key));
  }

  @Test
  void theKeyItselfTakesPrecedenceOverTheKeyFile() throws IOException {
    String inline = randomKey();
    Path file = Files.writeString(dir.resolve("other.key"), randomKey() + "\n");
    MasterKey loaded = MasterKey.load(config(NodeSettings.MASTER_KEY_FILE, file.toString())
        .with(Map.of(NodeSettings.MASTER_KEY, inline)));
    assertSameKey(MasterKey.load(config(NodeSettings.MASTER_KEY, inline)), loaded);
    assertThat(dir.resolve("data/keys/master.key")).doesNotExist();
  }

  @Test
  void aConfiguredKeyFileIsReadAndNothingIsGenerated() throws IOException {
    String key = randomKey();
    Path file = Files.writeString(dir.resolve("operator.key"), key + "\n");
    assertSameKey(MasterKey.load(config(NodeSettings.MASTER_KEY, key)), MasterKey.load(config(NodeSettings.MASTER_KEY_FILE,
        file.toString())));
    assertThat(dir.resolve("data/keys/master.key")).doesNotExist();
    assertThat(logged.list).isEmpty();
  }

  @Test
  void aKeyThatIsNotBase64Of32BytesIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> MasterKey.load(config(NodeSettings.MASTER_KEY, "hunter2!!")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("master-key must be the base64 of exactly 32 bytes")
        .hasMessageContaining("not valid base64")
        .hasMessageNotContaining("hunter2");
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> MasterKey.load(config(NodeSettings.MASTER_KEY, short16)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("decodes to 16 bytes")
        .hasMessageNotContaining(short16);
  }

  @Test
  void aBadOrMissingKeyFileIsRefusedNamingTheFile() throws IOException {
    Path missing = dir.resolve("missing.key");
    assertThatThrownBy(() -> MasterKey.load(config(NodeSettings.MASTER_KEY_FILE, missing.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("master-key-file " + missing + " does not exist");
    Path wrong = Files.writeString(dir.resolve("wrong.key"), Base64.getEncoder().encodeToString(new byte[31]));
    assertThatThrownBy(() -> MasterKey.load(config(NodeSettings.MASTER_KEY_FILE, wrong.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("master-key-file " + wrong + " must be the base64 of exactly 32 bytes");
  }

  @Test
  void aWrappedDataKeyUnwrapsOnlyUnderItsOwnIdAndMasterKey() {
    MasterKey master = MasterKey.load(config(NodeSettings.MASTER_KEY, randomKey()));
    String wrapped = master.wrap(1, AesGcm.randomBytes(32));
    assertThatThrownBy(() -> master.unwrap(2, wrapped)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("data key 2 does not unwrap");
    MasterKey other = MasterKey.load(config(NodeSettings.MASTER_KEY, randomKey()));
    assertThatThrownBy(() -> other.unwrap(1, wrapped))
        .hasMessageContaining("master key does not match the data keys in the store");
  }

  @Test
  void aDerivedKeyIsTheSameForOneMasterKeyAndLabelAndDiffersOtherwise() {
    String key = randomKey();
    MasterKey master = MasterKey.load(config(NodeSettings.MASTER_KEY, key));
    byte[] search = master.derive("ultrachat search key v1").getEncoded();

    assertThat(search).hasSize(32)
        .isEqualTo(MasterKey.load(config(NodeSettings.MASTER_KEY, key)).derive("ultrachat search key v1").getEncoded())
        .isNotEqualTo(master.derive("ultrachat search key v2").getEncoded())
        .isNotEqualTo(MasterKey.load(config(NodeSettings.MASTER_KEY, randomKey())).derive("ultrachat search key v1")
            .getEncoded())
        .isNotEqualTo(Base64.getDecoder().decode(key));
  }

  @Test
  void aDerivedKeyIsHkdfSha256OfTheMasterKeyWithoutSaltAndTheLabelAsInfo() {
    byte[] raw = AesGcm.randomBytes(32);
    MasterKey master = MasterKey.load(config(NodeSettings.MASTER_KEY, Base64.getEncoder().encodeToString(raw)));
    assertThat(master.derive("label").getEncoded())
        .isEqualTo(Hkdf.sha256(new byte[32], raw, "label".getBytes(StandardCharsets.UTF_8), 32));
    assertThat(master.derive("label").getAlgorithm()).isEqualTo("HmacSHA256");
  }

  @Test
  void aDerivedKeyNeedsALabel() {
    MasterKey master = MasterKey.load(config(NodeSettings.MASTER_KEY, randomKey()));
    assertThatThrownBy(() -> master.derive(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label");
  }

  @Test
  void toStringSaysWhereTheKeyCameFromButNotTheKey() {
    String key = randomKey();
    assertThat(MasterKey.load(config(NodeSettings.MASTER_KEY, key)).toString())
        .contains("master-key").doesNotContain(key);
  }
}
