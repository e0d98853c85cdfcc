package org.ultrachat.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The test vectors of RFC 5869, appendix A (the SHA-256 cases). */
class HkdfTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void basicCaseMatchesRfc5869TestCase1() {
    byte[] okm = Hkdf.sha256(hex("000102030405060708090a0b0c"), hex("0b".repeat(22)), hex("f0f1f2f3f4f5f6f7f8f9"), 42);
    assertThat(HexFormat.of().formatHex(okm)).isEqualTo(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void longerInputsMatchRfc5869TestCase2() {
    StringBuilder ikm = new StringBuilder();
    StringBuilder salt = new StringBuilder();
    StringBuilder info = new StringBuilder();
    for (int i = 0; i < 80; i++) {
      ikm.append(String.format("%02x", i));
      salt.append(String.format("%02x", 0x60 + i));
      info.append(String.format("%02x", 0xb0 + i));
    }
    byte[] okm = Hkdf.sha256(hex(salt.toString()), hex(ikm.toString()), hex(info.toString()), 82);
    assertThat(HexFormat.of().formatHex(okm)).isEqualTo(
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            + "cc30c58179ec3e87c14c01d5c1f3434f1d87");
  }

  @Test
  void noSaltAndNoInfoMatchesRfc5869TestCase3() {
    byte[] okm = Hkdf.sha256(new byte[0], hex("0b".repeat(22)), new byte[0], 42);
    assertThat(HexFormat.of().formatHex(okm)).isEqualTo(
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }

  @Test
  void outputLengthIsBoundedByTheRfc() {
    assertThatThrownBy(() -> Hkdf.sha256(new byte[0], new byte[32], new byte[0], 255 * 32 + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Hkdf.sha256(new byte[0], new byte[32], new byte[0], 255 * 32)).hasSize(255 * 32);
  }
}
