package org.ultrachat.platform.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869) on the JDK's {@link Mac}: extract, then expand. */
final class Hkdf {
  private static final String HMAC = "HmacSHA256";
  private static final int HASH_BYTES = 32;

  private Hkdf() {
  }

  /**
   * @param salt an empty salt stands for {@value #HASH_BYTES} zero bytes, as the RFC says
   * @return {@code length} bytes of output key material
   */
  static byte[] sha256(byte[] salt, byte[] ikm, byte[] info, int length) {
    if (length < 1 || length > 255 * HASH_BYTES) {
      throw new IllegalArgumentException("HKDF-SHA256 gives 1 to " + 255 * HASH_BYTES + " bytes, not " + length);
    }
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(salt.length == 0 ? new byte[HASH_BYTES] : salt, HMAC));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, HMAC));
      Arrays.fill(prk, (byte) 0);
      byte[] out = new byte[length];
      byte[] block = new byte[0];
      for (int counter = 1, done = 0; done < length; counter++) {
        mac.update(block);
        mac.update(info);
        mac.update((byte) counter);
        block = mac.doFinal();
        int n = Math.min(block.length, length - done);
        System.arraycopy(block, 0, out, done, n);
        done += n;
      }
      Arrays.fill(block, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable in this JDK", e);
    }
  }
}
