package org.ultrachat.chat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A message as readers see it: the body is already opened (decrypted), empty once deleted. */
record Message(String id, String channelId, long seq, String senderId, Optional<String> threadRootId,
               Optional<String> body, List<String> mentions, int replyCount, Optional<Instant> lastReplyAt,
               int editCount, Optional<Instant> editedAt, Optional<Instant> deletedAt, Optional<Instant> pinnedAt,
               Instant createdAt, Map<String, Integer> reactions) {

  Message atSeq(long seq) {
    return new Message(id, channelId, seq, senderId, threadRootId, body, mentions, replyCount, lastReplyAt, editCount,
        editedAt, deletedAt, pinnedAt, createdAt, reactions);
  }

  /** @param counts by emoji, in the order they are to be listed (Map.copyOf would not keep it) */
  Message withReactions(Map<String, Integer> counts) {
    return new Message(id, channelId, seq, senderId, threadRootId, body, mentions, replyCount, lastReplyAt, editCount,
        editedAt, deletedAt, pinnedAt, createdAt, Collections.unmodifiableMap(new LinkedHashMap<>(counts)));
  }

  JsonObject toJson() {
    JsonObject reactionCounts = new JsonObject();
    reactions.forEach(reactionCounts::put);
    return new JsonObject().put("id", id).put("channelId", channelId).put("seq", seq).put("senderId", senderId)
        .put("threadRootId", threadRootId.orElse(null)).put("body", body.orElse(null))
        .put("mentions", new JsonArray(mentions)).put("replyCount", replyCount)
        .put("lastReplyAt", lastReplyAt.map(Instant::toString).orElse(null))
        .put("edited", editCount > 0).put("editedAt", editedAt.map(Instant::toString).orElse(null))
        .put("deleted", deletedAt.isPresent()).put("pinned", pinnedAt.isPresent())
        .put("createdAt", createdAt.toString()).put("reactions", reactionCounts);
  }
}
