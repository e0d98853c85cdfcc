package org.ultrachat.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ChannelSequencerTest {
  private final ChannelSequencer sequencer = new ChannelSequencer();

  private static JsonObject event(long seq) {
    return new JsonObject().put("type", "message.created").put("channelId", "c").put("seq", seq);
  }

  private static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(e -> e.getLong("seq")).toList();
  }

  @Test
  void passesNothingUntilAnchoredThenOnlyWhatFollowsTheAnchor() {
    assertThat(sequencer.offer(event(4))).isEmpty();
    assertThat(sequencer.offer(event(6))).isEmpty();
    assertThat(sequencer.offer(event(5))).isEmpty();

    // 4 was committed before the anchor was read: it is in the store, not passed again.
    assertThat(seqs(sequencer.anchor(4))).containsExactly(5L, 6L);
    assertThat(sequencer.position()).isEqualTo(6);
    assertThat(sequencer.hasGap()).isFalse();
  }

  @Test
  void passesEachSeqOnceAndInOrderWhateverOrderTheyArriveIn() {
    sequencer.anchor(0);
    assertThat(seqs(sequencer.offer(event(2)))).isEmpty();
    assertThat(sequencer.hasGap()).isTrue();
    assertThat(sequencer.gapEnd()).isEqualTo(1);
    assertThat(seqs(sequencer.offer(event(1)))).containsExactly(1L, 2L);
    assertThat(seqs(sequencer.offer(event(2)))).isEmpty();
    assertThat(seqs(sequencer.offer(event(1)))).isEmpty();
    assertThat(seqs(sequencer.offer(event(3)))).containsExactly(3L);
  }

  @Test
  void aGapIsFilledFromWhatTheStoreReturns() {
    sequencer.anchor(2);
    sequencer.offer(event(6));
    assertThat(sequencer.gapEnd()).isEqualTo(5);

    // The store answers with the missing ones; one of them also arrives live meanwhile.
    sequencer.offer(event(4));
    List<JsonObject> stored = LongStream.rangeClosed(3, 5).mapToObj(ChannelSequencerTest::event).toList();
    assertThat(seqs(sequencer.fill(stored))).containsExactly(3L, 4L, 5L, 6L);
    assertThat(sequencer.hasGap()).isFalse();
  }

  @Test
  void aGapTheStoreNoLongerHoldsIsSkipped() {
    sequencer.anchor(2);
    sequencer.offer(event(9));
    sequencer.offer(event(10));
    assertThat(seqs(sequencer.fill(List.of()))).isEmpty();
    assertThat(seqs(sequencer.skipGap())).containsExactly(9L, 10L);
    assertThat(sequencer.position()).isEqualTo(10);
  }

  @Test
  void heldEventsAreBounded() {
    sequencer.anchor(0);
    List<Long> passed = new ArrayList<>();
    for (long seq = 2; seq <= ChannelSequencer.MAX_HELD + 2; seq++) {
      passed.addAll(seqs(sequencer.offer(event(seq))));
    }
    // Seq 1 never came: past the cap the sequencer gives up on it and passes the rest in order.
    assertThat(passed).hasSize(ChannelSequencer.MAX_HELD + 1).isSorted().startsWith(2L);
    assertThat(sequencer.hasGap()).isFalse();
  }
}
