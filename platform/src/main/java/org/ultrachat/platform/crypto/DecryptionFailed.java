package org.ultrachat.platform.crypto;

/**
 * A sealed value could not be opened: it was tampered with, moved to another place, is not in
 * the sealed format, or names a key this process does not hold. The message says which, and
 * never contains plaintext.
 */
public class DecryptionFailed extends RuntimeException {
  DecryptionFailed(String message) {
    super(message);
  }
}
