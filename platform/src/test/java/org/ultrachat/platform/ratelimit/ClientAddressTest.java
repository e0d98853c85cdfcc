package org.ultrachat.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;

class ClientAddressTest {
  private static final ClientAddress NO_PROXIES = ClientAddress.trusting(List.of());
  private static final ClientAddress BEHIND_PROXIES =
      ClientAddress.trusting(List.of("10.0.0.0/8", "172.16.0.0/12", "192.0.2.1", "2001:db8::/32", "::1"));

  @Test
  void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
    assertThat(NO_PROXIES.resolve("198.51.100.7", List.of("203.0.113.1"))).isEqualTo("198.51.100.7");
    assertThat(NO_PROXIES.resolve("10.0.0.5", List.of("203.0.113.1"))).isEqualTo("10.0.0.5");
  }

  @Test
  void anUntrustedPeerIsTheClientEvenWhenOtherPeersAreTrusted() {
    assertThat(BEHIND_PROXIES.resolve("198.51.100.7", List.of("203.0.113.1"))).isEqualTo("198.51.100.7");
  }

  @Test
  void aTrustedPeerWithoutTheHeaderIsTheClient() {
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
  }

  @Test
  void theRightMostUntrustedEntryIsTheClient() {
    // The client wrote the two left entries itself; the proxy appended the address it saw.
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("1.1.1.1, 8.8.8.8, 203.0.113.9"))).isEqualTo("203.0.113.9");
  }

  @Test
  void trustedHopsAreSkippedAcrossEntriesAndRepeatedHeaders() {
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("6.6.6.6, 203.0.113.9, 172.31.255.255", "192.0.2.1")))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("10.9.9.9, 172.16.0.1"))).isEqualTo("10.9.9.9");
  }

  @Test
  void aPrefixEndsWhereItSays() {
    // 172.16.0.0/12 ends at 172.31.255.255; 172.32.0.1 is outside and so is the client.
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("203.0.113.9, 172.32.0.1"))).isEqualTo("172.32.0.1");
    assertThat(BEHIND_PROXIES.resolve("192.0.2.2", List.of("203.0.113.9"))).isEqualTo("192.0.2.2");
  }

  @Test
  void aMalformedEntryStopsTheWalkAtTheLastTrustedHop() {
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("203.0.113.9, not-an-ip"))).isEqualTo("10.1.2.3");
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("203.0.113.9, unknown, 10.7.7.7"))).isEqualTo("10.7.7.7");
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("203.0.113.9:4711"))).isEqualTo("10.1.2.3");
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("203.0.113.9,"))).isEqualTo("10.1.2.3");
    assertThat(BEHIND_PROXIES.resolve("10.1.2.3", List.of("proxy.example.com"))).isEqualTo("10.1.2.3");
  }

  @Test
  void ipv6NetworksAreTrustedAndAddressesNormalised() {
    assertThat(BEHIND_PROXIES.resolve("2001:db8:0:0:0:0:0:5", List.of("2a00:1450:4001::1, 2001:db8:ffff::1")))
        .isEqualTo("2a00:1450:4001::1");
    assertThat(BEHIND_PROXIES.resolve("0:0:0:0:0:0:0:1", List.of("2A00:1450:4001:0:0:0:0:1")))
        .isEqualTo("2a00:1450:4001::1");
    assertThat(BEHIND_PROXIES.resolve("2001:db9::5", List.of("203.0.113.9"))).isEqualTo("2001:db9::5");
  }

  @Test
  void ipv4MappedAddressesAreTheirIpv4Address() {
    assertThat(BEHIND_PROXIES.resolve("::ffff:10.1.2.3", List.of("::ffff:203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(NO_PROXIES.resolve("::ffff:198.51.100.7", List.of())).isEqualTo("198.51.100.7");
  }

  @Test
  void aPeerThatIsNotAnIpAddressIsKeptAsGiven() {
    assertThat(BEHIND_PROXIES.resolve("/run/ultrachat.sock", List.of("203.0.113.9"))).isEqualTo("/run/ultrachat.sock");
  }

  @Test
  void invalidProxyEntriesAreRefusedByName() {
    assertThatThrownBy(() -> ClientAddress.trusting(List.of("proxy.internal")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'proxy.internal' is not an IP address or CIDR");
    assertThatThrownBy(() -> ClientAddress.trusting(List.of("10.0.0.0/33")))
        .hasMessageContaining("prefix length outside 0..32");
    assertThatThrownBy(() -> ClientAddress.trusting(List.of("::/129")))
        .hasMessageContaining("prefix length outside 0..128");
    assertThatThrownBy(() -> ClientAddress.trusting(List.of("::ffff:10.0.0.0/8")))
        .hasMessageContaining("prefix length outside 96..128");
    assertThatThrownBy(() -> ClientAddress.trusting(List.of("10.0.0.0/x"))).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> ClientAddress.trusting(List.of("10.1.2.3/8")))
        .hasMessageContaining("bits set beyond the prefix; did you mean 10.0.0.0/8?");
    assertThatThrownBy(() -> ClientAddress.trusting(List.of("2001:db8::1/32")))
        .hasMessageContaining("did you mean 2001:db8::/32?");
  }

  @Test
  void mappedIpv6NetworksAreTheIpv4NetworksTheyMap() {
    ClientAddress mapped = ClientAddress.trusting(List.of("::ffff:10.0.0.0/104"));
    assertThat(mapped.resolve("10.200.0.1", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(mapped.resolve("11.0.0.1", List.of("203.0.113.9"))).isEqualTo("11.0.0.1");
  }

  @Test
  void configuredProxiesAreReadAndBadOnesNameTheKey() {
    Config config = Config.defaults().with(Map.of(NodeSettings.TRUSTED_PROXIES, "127.0.0.1, fd00::/8"));
    assertThat(ClientAddress.of(config).resolve("fd12::1", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThatThrownBy(() -> ClientAddress.of(
        Config.defaults().with(Map.of(NodeSettings.TRUSTED_PROXIES, "10.0.0.0/8, lb.internal"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("trusted-proxies: 'lb.internal'");
  }
}
