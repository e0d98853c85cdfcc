package org.ultrachat.platform.ratelimit;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;

/**
 * Decides which address a request comes from. The TCP peer is the client, unless the peer is a
 * trusted proxy: then {@code X-Forwarded-For} is read from the right, skipping trusted proxies,
 * and the first address that is not one is the client. Entries left of it were written by that
 * client and are never believed. A malformed entry ends the walk at the last trusted hop.
 */
public final class ClientAddress {
  /** Context key under which the edge stores the request's client address (a {@code String}). */
  public static final String KEY = "ultrachat.clientAddress";
  /** The header proxies append the address they received a request from to. */
  public static final String FORWARDED_FOR = "X-Forwarded-For";

  private final List<AddressRange> trusted;

  private ClientAddress(List<AddressRange> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /**
   * @param proxies addresses or CIDRs ({@code 10.0.0.0/8}, {@code ::1}) of the reverse proxies in front
   * @throws ConfigException naming the first entry that is neither
   */
  public static ClientAddress trusting(List<String> proxies) {
    return new ClientAddress(proxies.stream().map(AddressRange::parse).toList());
  }

  /**
   * @return the resolver for the configured {@code trusted-proxies}
   * @throws ConfigException naming the key when an entry is not an address or CIDR
   */
  public static ClientAddress of(Config config) {
    try {
      return trusting(config.list(NodeSettings.TRUSTED_PROXIES));
    } catch (ConfigException e) {
      throw new ConfigException(NodeSettings.TRUSTED_PROXIES.key() + ": " + e.getMessage());
    }
  }

  /** @return the client address of the request, e.g. {@code 203.0.113.7} or {@code 2001:db8::7} */
  public String resolve(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null ? "unknown" : Optional.ofNullable(remote.hostAddress()).orElse(remote.toString());
    return resolve(peer, trusted.isEmpty() ? List.of() : request.headers().getAll(FORWARDED_FOR));
  }

  /**
   * @param peer         the TCP peer's address
   * @param forwardedFor the {@code X-Forwarded-For} header values in the order they arrived
   * @return the client address: normalised ({@code ::1}, IPv4-mapped IPv6 as IPv4), or the peer as
   *     given when it is not an IP address (a Unix socket)
   */
  public String resolve(String peer, List<String> forwardedFor) {
    Optional<byte[]> hop = AddressRange.literal(peer);
    if (hop.isEmpty()) {
      return peer;
    }
    List<String> entries = entries(forwardedFor);
    int next = entries.size() - 1;
    while (isTrusted(hop.get()) && next >= 0) {
      Optional<byte[]> forwarded = AddressRange.literal(entries.get(next--));
      if (forwarded.isEmpty()) {
        break; // garbage from a hop we cannot vouch for: the last trusted hop is all we know
      }
      hop = forwarded;
    }
    return NetUtil.bytesToIpAddress(hop.get());
  }

  /**
   * @return the client address the edge stored for this request
   * @throws IllegalStateException when the edge's client-address handler has not run
   */
  public static String of(RoutingContext ctx) {
    String address = ctx.get(KEY);
    if (address == null) {
      throw new IllegalStateException("no client address: the edge's client-address handler has not run");
    }
    return address;
  }

  private boolean isTrusted(byte[] address) {
    for (AddressRange range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> entries(List<String> headerValues) {
    List<String> entries = new ArrayList<>();
    for (String value : headerValues) {
      for (String entry : value.split(",", -1)) {
        entries.add(entry.trim());
      }
    }
    return entries;
  }
}
