package org.ultrachat.platform.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrameTypesTest {
  private final FrameTypes.Handler nothing = frame -> Future.succeededFuture();

  @Test
  void aTypeHasOneHandlerWhoeverAsksFirst() {
    FrameTypes types = new FrameTypes();
    types.register("call.offer", nothing);
    assertThat(types.find("call.offer")).containsSame(nothing);
    assertThat(types.find("call.answer")).isEmpty();
    assertThatThrownBy(() -> types.register("call.offer", nothing)).hasMessageContaining("handled twice");
  }

  @Test
  void theGatewaysOwnTypesCannotBeTakenBeforeOrAfterTheyAreReserved() {
    FrameTypes before = new FrameTypes();
    before.register("send", nothing);
    assertThatThrownBy(() -> before.reserve(Set.of("send", "resume"))).hasMessageContaining("send is handled twice");

    FrameTypes after = new FrameTypes();
    after.reserve(Set.of("send", "resume"));
    assertThatThrownBy(() -> after.register("resume", nothing)).hasMessageContaining("resume is handled twice");
    assertThat(after.find("resume")).as("reserved types are the gateway's, not found here").isEmpty();
  }

  @Test
  void aTypeIsLowercaseWordsJoinedByDots() {
    FrameTypes types = new FrameTypes();
    assertThatThrownBy(() -> types.register("Call.Offer", nothing)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> types.register("call..offer", nothing)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> types.register("", nothing)).isInstanceOf(IllegalArgumentException.class);
  }
}
