package org.ultrachat.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Migrations;
import org.ultrachat.platform.store.StoreTarget;

/**
 * What data protection must do on every store dialect: key creation, persistence, rotation and
 * pick-up across processes. A "process" is a {@link DataProtection} on its own pools.
 */
abstract class DataProtectionContract {
  private static final Binding WHERE = new Binding("messages", "body", "42");

  protected Vertx vertx;
  protected StoreTarget target;
  private final List<Database> databases = new ArrayList<>();
  private final MasterKey master = randomMasterKey();

  /** @return a fresh, empty store */
  abstract StoreTarget freshTarget();

  /** Called after the pools are closed; drop what {@link #freshTarget()} created. */
  void storeClosed() {
  }

  @BeforeEach
  void openStore() {
    target = freshTarget();
    vertx = Vertx.vertx();
    Migrations.apply(target, "platform");
  }

  @AfterEach
  void closeStore() {
    databases.forEach(db -> db.close().await());
    if (vertx != null) {
      vertx.close().await();
    }
    storeClosed();
  }

  /** @return data protection as a separate process would open it: own pools, same store */
  private DataProtection process(MasterKey key) {
    Database db = Database.open(vertx, target);
    databases.add(db);
    return DataProtection.open(db, key).await();
  }

  private List<Integer> storedKeyIds() {
    Database db = Database.open(vertx, target);
    databases.add(db);
    List<Integer> ids = new ArrayList<>();
    db.reader().query("SELECT id FROM data_keys ORDER BY id").execute().await()
        .forEach(row -> ids.add(row.getInteger("id")));
    return ids;
  }

  @Test
  void firstOpenCreatesKeyOne() {
    DataProtection protection = process(master);
    assertThat(protection.currentKeyId()).isEqualTo(1);
    assertThat(storedKeyIds()).containsExactly(1);
    assertThat(keyIdOf(protection.seal(bytes("hi"), WHERE))).isEqualTo(1);
  }

  @Test
  void processesStartingOnAnEmptyStoreShareOneFirstKey() {
    Database db = Database.open(vertx, target);
    databases.add(db);
    List<Future<DataProtection>> starts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      starts.add(DataProtection.open(db, master));
    }
    Future.all(starts).await();
    assertThat(storedKeyIds()).containsExactly(1);
    byte[] sealed = starts.get(0).result().seal(bytes("shared"), WHERE);
    for (Future<DataProtection> start : starts) {
      assertThat(start.result().open(sealed, WHERE)).isEqualTo(bytes("shared"));
    }
  }

  @Test
  void valuesSealedBeforeARestartOpenAfterIt() {
    byte[] sealed = process(master).seal(bytes("kept"), WHERE);
    assertThat(process(master).open(sealed, WHERE)).isEqualTo(bytes("kept"));
  }

  @Test
  void afterRotationNewValuesCarryTheNewKeyAndOldValuesStillOpen() {
    DataProtection protection = process(master);
    byte[] old = protection.seal(bytes("before"), WHERE);
    assertThat(protection.rotate().await()).isEqualTo(2);
    byte[] fresh = protection.seal(bytes("after"), WHERE);
    assertThat(protection.currentKeyId()).isEqualTo(2);
    assertThat(keyIdOf(fresh)).isEqualTo(2);
    assertThat(protection.open(old, WHERE)).isEqualTo(bytes("before"));
    assertThat(protection.open(fresh, WHERE)).isEqualTo(bytes("after"));
    assertThat(storedKeyIds()).containsExactly(1, 2);
  }

  @Test
  void anotherProcessOpensAValueUnderAKeyRotatedSinceItStarted() {
    DataProtection server = process(master);
    DataProtection cli = process(master);
    cli.rotate().await();
    byte[] sealed = cli.seal(bytes("new key"), WHERE);

    assertThatThrownBy(() -> server.open(sealed, WHERE)).isInstanceOf(UnknownKey.class)
        .hasMessageContaining("data key 2");
    assertThat(server.openAsync(sealed, WHERE).await()).isEqualTo(bytes("new key"));
    assertThat(server.currentKeyId()).isEqualTo(2);
    assertThat(keyIdOf(server.seal(bytes("x"), WHERE))).isEqualTo(2);
  }

  @Test
  void reloadPicksUpAKeyRotatedByAnotherProcess() {
    DataProtection server = process(master);
    process(master).rotate().await();
    assertThat(server.currentKeyId()).isEqualTo(1);
    server.reload().await();
    assertThat(server.currentKeyId()).isEqualTo(2);
  }

  @Test
  void aProcessRotatingWithAStaleViewTakesTheNextVersion() {
    DataProtection first = process(master);
    DataProtection stale = process(master);
    assertThat(first.rotate().await()).isEqualTo(2);
    // stale still believes key 1 is newest: its insert of version 2 conflicts, so it reloads and takes 3
    assertThat(stale.rotate().await()).isEqualTo(3);
    assertThat(stale.currentKeyId()).isEqualTo(3);
    assertThat(storedKeyIds()).containsExactly(1, 2, 3);
  }

  @Test
  void concurrentRotationsInTwoProcessesEachGetTheirOwnVersion() {
    DataProtection a = process(master);
    DataProtection b = process(master);
    List<Future<Integer>> rotations = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rotations.add(a.rotate());
      rotations.add(b.rotate());
    }
    Future.all(rotations).await();
    assertThat(rotations).extracting(Future::result).containsExactlyInAnyOrder(2, 3, 4, 5, 6, 7);
    assertThat(storedKeyIds()).containsExactly(1, 2, 3, 4, 5, 6, 7);
    a.reload().await();
    b.reload().await();
    assertThat(a.currentKeyId()).isEqualTo(7);
    assertThat(b.open(a.seal(bytes("x"), WHERE), WHERE)).isEqualTo(bytes("x"));
  }

  @Test
  void aWrongMasterKeyFailsAtOpenWithAClearError() {
    process(master);
    assertThatThrownBy(() -> process(randomMasterKey()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("master key does not match the data keys in the store");
  }

  static MasterKey randomMasterKey() {
    String key = Base64.getEncoder().encodeToString(AesGcm.randomBytes(32));
    return MasterKey.load(Config.defaults().with(Map.of(NodeSettings.MASTER_KEY, key)));
  }

  /** @return the key id in a sealed value's header (format version 1) */
  static int keyIdOf(byte[] sealed) {
    return ByteBuffer.wrap(sealed).getInt(1);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
