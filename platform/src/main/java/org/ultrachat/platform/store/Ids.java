package org.ultrachat.platform.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Row ids: UUID version 7 (RFC 9562), time-ordered so that new rows land at the end of an
 * index and ids sort by creation time as strings.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {
  }

  /** @return a new UUIDv7 in canonical lowercase form */
  public static String newId() {
    long millis = System.currentTimeMillis();
    long randA = RANDOM.nextInt(1 << 12);
    long randB = RANDOM.nextLong();
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (randB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /** @return the creation time, in epoch milliseconds, of a UUIDv7 made by {@link #newId()} */
  public static long timeOf(String id) {
    return UUID.fromString(id).getMostSignificantBits() >>> 16;
  }

  /** @return whether the text is a canonical lowercase UUID */
  public static boolean isId(String text) {
    return text != null && text.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }
}
