package org.ultrachat.platform.ratelimit;

import io.netty.util.NetUtil;
import java.util.Arrays;
import java.util.Optional;
import org.ultrachat.platform.config.ConfigException;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or one address. */
final class AddressRange {
  private final byte[] network;
  private final int prefix;

  private AddressRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * @param text an address ({@code 10.1.2.3}, {@code ::1}) or a network with its prefix length
   * @throws ConfigException when the text is neither, or the address has bits set beyond the prefix
   */
  static AddressRange parse(String text) {
    int slash = text.indexOf('/');
    String base = slash < 0 ? text : text.substring(0, slash);
    byte[] address = literal(base).orElseThrow(() -> new ConfigException(
        "'" + text + "' is not an IP address or CIDR like 10.0.0.0/8 or fd00::/8"));
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String length = text.substring(slash + 1);
      // An IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) is the IPv4 network it maps.
      int offset = address.length == 4 && base.contains(":") ? 96 : 0;
      int given = length.matches("\\d{1,3}") ? Integer.parseInt(length) : -1;
      if (given < offset || given > bits + offset) {
        throw new ConfigException("'" + text + "' has a prefix length outside " + offset + ".." + (bits + offset));
      }
      prefix = given - offset;
    }
    AddressRange range = new AddressRange(address, prefix);
    byte[] masked = range.masked(address);
    if (!Arrays.equals(masked, address)) {
      throw new ConfigException("'" + text + "' has bits set beyond the prefix; did you mean "
          + NetUtil.bytesToIpAddress(masked) + "/" + text.substring(slash + 1) + "?");
    }
    return range;
  }

  /** @return whether the address (4 or 16 bytes, as {@link #literal} gives) lies in this range */
  boolean contains(byte[] address) {
    return address.length == network.length && Arrays.equals(masked(address), network);
  }

  private byte[] masked(byte[] address) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.clamp(prefix - i * 8L, 0, 8);
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }

  /**
   * Parses an IP literal without ever asking DNS. IPv4-mapped IPv6 addresses become IPv4, so a
   * client is the same whichever socket family it arrived on.
   *
   * @return 4 bytes for IPv4, 16 for IPv6; empty when the text is not an IP literal
   */
  static Optional<byte[]> literal(String text) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes == null) {
      return Optional.empty();
    }
    if (bytes.length == 16 && isIpv4Mapped(bytes)) {
      return Optional.of(Arrays.copyOfRange(bytes, 12, 16));
    }
    return Optional.of(bytes);
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  @Override
  public String toString() {
    return NetUtil.bytesToIpAddress(network) + "/" + prefix;
  }
}
