package org.ultrachat.platform.seam;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ultrachat.platform.http.Authenticator.Caller;

/**
 * What the real-time gateway needs from the chat service. The chat module implements it twice:
 * in-process, and as a client of the internal routes of a node running chat (on a node with
 * {@code upstream-chat}); the gateway imports neither. Failures are problems
 * ({@code ProblemException}) the gateway turns into error frames.
 */
public interface ChatLink {
  /**
   * A message posted and committed.
   *
   * @param duplicate the sender had posted it before with the same client id; this is that message
   * @param message   the message as the REST API shows it
   */
  record Sent(long seq, String messageId, boolean duplicate, JsonObject message) {
    public Sent {
      Objects.requireNonNull(messageId, "messageId");
      Objects.requireNonNull(message, "message");
    }
  }

  /** @return the ids of the channels the user is a member of */
  Future<List<String>> memberChannels(String userId);

  /** @return done when the caller may read the channel (members; anyone but guests for public channels) */
  Future<Void> readable(Caller caller, String channelId);

  /** @return done when the caller is a member of the channel */
  Future<Void> member(Caller caller, String channelId);

  /** Posts a message, idempotent per sender and client id. @return what was sent, once committed */
  Future<Sent> send(Caller caller, String channelId, String body, String clientId, Optional<String> threadRootId);

  /** @return up to {@code limit} stored events of the channel after {@code afterSeq}, in seq order, shaped as on the bus */
  Future<List<JsonObject>> events(String channelId, long afterSeq, int limit);

  /** @return the channel's last committed seq, or -1 when there is no such channel */
  Future<Long> lastSeq(String channelId);
}
