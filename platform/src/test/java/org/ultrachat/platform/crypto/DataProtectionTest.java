package org.ultrachat.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ultrachat.platform.crypto.DataProtectionContract.bytes;
import static org.ultrachat.platform.crypto.DataProtectionContract.keyIdOf;

import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Migrations;
import org.ultrachat.platform.store.StoreTarget;

/** Sealing and opening, which do not depend on the store dialect; one SQLite store for the class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataProtectionTest {
  private static final Binding WHERE = new Binding("messages", "body", "42");
  private static final String SECRET = "the launch is on Tuesday";

  private Vertx vertx;
  private Database db;
  private DataProtection protection;

  @BeforeAll
  void openStore(@TempDir Path dir) {
    StoreTarget target = StoreTarget.of(Config.defaults().with(Map.of(NodeSettings.DATA_DIR, dir.toString())));
    Migrations.apply(target, "platform");
    vertx = Vertx.vertx();
    db = Database.open(vertx, target);
    protection = DataProtection.open(db, DataProtectionContract.randomMasterKey()).await();
  }

  @AfterAll
  void closeStore() {
    db.close().await();
    vertx.close().await();
  }

  @Test
  void sealedValuesOpenToTheirPlaintext() {
    assertThat(protection.open(protection.seal(bytes(SECRET), WHERE), WHERE)).isEqualTo(bytes(SECRET));
    assertThat(protection.open(protection.seal(new byte[0], WHERE), WHERE)).isEmpty();
    String text = "Grüße, 你好 👋";
    assertThat(protection.openText(protection.sealText(text, WHERE), WHERE)).isEqualTo(text);
    assertThat(protection.openTextAsync(protection.sealText(text, WHERE), WHERE).await()).isEqualTo(text);
  }

  @Test
  void sealedValueIsVersionKeyIdNonceCiphertextAndTag() {
    byte[] sealed = protection.seal(bytes(SECRET), WHERE);
    assertThat(sealed).hasSize(1 + 4 + 12 + bytes(SECRET).length + 16);
    assertThat(sealed[0]).isEqualTo((byte) 1);
    assertThat(keyIdOf(sealed)).isEqualTo(protection.currentKeyId());
    assertThat(Base64.getDecoder().decode(protection.sealText(SECRET, WHERE))).hasSize(sealed.length);
  }

  @Test
  void flippingAnyBitOfASealedValueMakesItFailToOpen() {
    byte[] sealed = protection.seal(bytes(SECRET), WHERE);
    for (int i = 0; i < sealed.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = sealed.clone();
        tampered[i] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> protection.open(tampered, WHERE))
            .as("byte %d bit %d", i, bit)
            .isInstanceOf(DecryptionFailed.class)
            .hasMessageNotContaining(SECRET);
      }
    }
  }

  @Test
  void aValueMovedToAnotherRowColumnOrTableFailsToOpen() {
    byte[] sealed = protection.seal(bytes(SECRET), WHERE);
    for (Binding elsewhere : new Binding[] {new Binding("messages", "body", "43"),
        new Binding("messages", "title", "42"), new Binding("drafts", "body", "42"),
        // the parts are length-prefixed: shifting text between them is another place too
        new Binding("messages", "body4", "2")}) {
      assertThatThrownBy(() -> protection.open(sealed, elsewhere))
          .as("moved to %s", elsewhere)
          .isInstanceOf(DecryptionFailed.class)
          .hasMessageContaining("tampered or moved")
          .hasMessageContaining("data key " + protection.currentKeyId());
    }
  }

  @Test
  void sealingTheSamePlaintextTwiceGivesDifferentValues() {
    byte[] first = protection.seal(bytes(SECRET), WHERE);
    byte[] second = protection.seal(bytes(SECRET), WHERE);
    assertThat(Arrays.copyOfRange(first, 5, 17)).as("nonce").isNotEqualTo(Arrays.copyOfRange(second, 5, 17));
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void valuesThatWereNeverSealedFailCleanly() {
    assertThatThrownBy(() -> protection.open(new byte[0], WHERE)).isInstanceOf(DecryptionFailed.class)
        .hasMessageContaining("too short");
    assertThatThrownBy(() -> protection.open(new byte[32], WHERE)).isInstanceOf(DecryptionFailed.class);
    assertThatThrownBy(() -> protection.openText("plain text, not sealed", WHERE))
        .isInstanceOf(DecryptionFailed.class).hasMessageContaining("not base64");
    assertThatThrownBy(() -> protection.openTextAsync("plain text, not sealed", WHERE).await())
        .isInstanceOf(DecryptionFailed.class);
  }

  @Test
  void aKeyIdTheStoreDoesNotHoldFailsAfterOneReload() {
    byte[] sealed = protection.seal(bytes(SECRET), WHERE);
    ByteBuffer.wrap(sealed).putInt(1, 99);
    assertThatThrownBy(() -> protection.open(sealed, WHERE)).isInstanceOf(UnknownKey.class)
        .hasMessageContaining("data key 99");
    assertThatThrownBy(() -> protection.openAsync(sealed, WHERE).await()).isInstanceOf(UnknownKey.class)
        .satisfies(e -> assertThat(((UnknownKey) e).keyId()).isEqualTo(99));
  }

  @Test
  void bindingsRefuseBlankParts() {
    assertThatThrownBy(() -> new Binding(" ", "body", "1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table");
    assertThatThrownBy(() -> new Binding("messages", "", "1")).hasMessageContaining("column");
    assertThatThrownBy(() -> new Binding("messages", "body", "\t")).hasMessageContaining("rowId");
  }
}
