package org.ultrachat.platform.crypto;

/**
 * A sealed value names a data key this process has not loaded: newer than its keys (rotated by
 * another process; {@link DataProtection#openAsync} reloads and retries) or no longer stored.
 */
public final class UnknownKey extends DecryptionFailed {
  private final int keyId;

  UnknownKey(int keyId, Binding where) {
    super("value at " + where + " names data key " + keyId + ", which this process does not hold");
    this.keyId = keyId;
  }

  /** @return the key id the sealed value names */
  public int keyId() {
    return keyId;
  }
}
