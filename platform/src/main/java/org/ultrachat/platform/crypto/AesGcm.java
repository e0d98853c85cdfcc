package org.ultrachat.platform.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM from the JDK, laid out as {@code nonce || ciphertext || tag} with a fresh random
 * 96-bit nonce per encryption. Shared by data encryption and key wrapping.
 */
final class AesGcm {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  /** Bytes a sealed value has beyond its plaintext. */
  static final int OVERHEAD = NONCE_BYTES + TAG_BYTES;

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AesGcm() {
  }

  static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  static SecretKey key(byte[] bytes) {
    if (bytes.length != KEY_BYTES) {
      throw new IllegalArgumentException("an AES-256 key has " + KEY_BYTES + " bytes, not " + bytes.length);
    }
    return new SecretKeySpec(bytes, "AES");
  }

  /**
   * Encrypts {@code plaintext} into {@code out} from {@code offset}: a random nonce, then the
   * ciphertext and tag. {@code out} must have {@link #OVERHEAD} + plaintext bytes from there.
   */
  static void seal(SecretKey key, byte[] aad, byte[] plaintext, byte[] out, int offset) {
    byte[] nonce = randomBytes(NONCE_BYTES);
    System.arraycopy(nonce, 0, out, offset, NONCE_BYTES);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      cipher.updateAAD(aad);
      cipher.doFinal(plaintext, 0, plaintext.length, out, offset + NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption is unavailable in this JDK", e);
    }
  }

  /**
   * Decrypts what {@link #seal} wrote at {@code offset} up to the end of {@code in}.
   *
   * @throws AEADBadTagException when the key, the associated data or any byte does not match
   */
  static byte[] open(SecretKey key, byte[] aad, byte[] in, int offset) throws AEADBadTagException {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, in, offset, NONCE_BYTES));
      cipher.updateAAD(aad);
      return cipher.doFinal(in, offset + NONCE_BYTES, in.length - offset - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption is unavailable in this JDK", e);
    }
  }
}
