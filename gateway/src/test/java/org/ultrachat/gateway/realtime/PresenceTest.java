package org.ultrachat.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PresenceTest {
  private final Presence presence = new Presence();

  @Test
  void aUserIsOnlineWhileAnyDeviceIsAwayWhenAllAreAndOfflineWhenNoneIsOpen() {
    assertThat(presence.of("u")).isEqualTo(Presence.Status.OFFLINE);
    assertThat(presence.set("u", "phone", Presence.Status.ONLINE)).contains(Presence.Status.ONLINE);
    assertThat(presence.set("u", "laptop", Presence.Status.AWAY)).isEmpty();
    assertThat(presence.set("u", "phone", Presence.Status.AWAY)).contains(Presence.Status.AWAY);
    assertThat(presence.of("u")).isEqualTo(Presence.Status.AWAY);
    assertThat(presence.set("u", "laptop", Presence.Status.ONLINE)).contains(Presence.Status.ONLINE);
    assertThat(presence.remove("u", "laptop")).contains(Presence.Status.AWAY);
    assertThat(presence.remove("u", "phone")).contains(Presence.Status.OFFLINE);
    assertThat(presence.remove("u", "phone")).isEmpty();
    assertThat(presence.of("u")).isEqualTo(Presence.Status.OFFLINE);
  }

  @Test
  void clientsMaySetOnlyOnlineOrAway() {
    assertThat(Presence.Status.settable("online")).contains(Presence.Status.ONLINE);
    assertThat(Presence.Status.settable("away")).contains(Presence.Status.AWAY);
    assertThat(Presence.Status.settable("offline")).isEqualTo(Optional.empty());
  }
}
