package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.seam.ChatLink;

/**
 * The chat seam in-process: what a real-time gateway needs from the chat service: whose channels
 * to follow, who may read or type where, sending, and a channel's stored event stream in the
 * shape the bus publishes it (so a replayed event and a live one look the same to a client).
 */
final class Streams implements ChatLink {
  private final StreamStore streams;
  private final ChatStore store;
  private final ChatCache cache;
  private final Messaging messaging;

  Streams(StreamStore streams, ChatStore store, ChatCache cache, Messaging messaging) {
    this.streams = streams;
    this.store = store;
    this.cache = cache;
    this.messaging = messaging;
  }

  @Override
  public Future<List<String>> memberChannels(String userId) {
    return streams.memberChannels(userId);
  }

  /** Fails with not-found when the caller may not read the channel. */
  @Override
  public Future<Void> readable(Caller caller, String channelId) {
    return Access.readableCached(store, cache, caller, channelId).mapEmpty();
  }

  /** Fails unless the caller is a member of the channel. */
  @Override
  public Future<Void> member(Caller caller, String channelId) {
    return Access.readableCached(store, cache, caller, channelId).map(readable -> {
      Access.requireMember(readable.member());
      return null;
    });
  }

  @Override
  public Future<Sent> send(Caller caller, String channelId, String body, String clientId, Optional<String> threadRootId) {
    return messaging.post(caller, channelId, body, Optional.of(clientId), threadRootId).map(posted -> new Sent(
        posted.message().seq(), posted.message().id(), posted.duplicate(), posted.message().toJson()));
  }

  /** @return stored events after {@code after}, in seq order, shaped as on the bus ({@link #shaped}) */
  @Override
  public Future<List<JsonObject>> events(String channelId, long after, int limit) {
    return streams.eventsAfter(channelId, after, limit).compose(this::shaped);
  }

  /**
   * @return the events as the bus carries them, each event about a message with the message's
   *     current state (all of them read in two statements, not two per event)
   */
  Future<List<JsonObject>> shaped(List<ChatEvent> events) {
    List<String> messageIds = events.stream().map(Streams::aboutMessage).flatMap(Optional::stream).distinct().toList();
    return messaging.current(messageIds).map(messages -> events.stream().map(event -> {
      JsonObject json = event.toJson();
      aboutMessage(event).map(messages::get).ifPresent(message -> json.put("message", message.toJson()));
      return json;
    }).toList());
  }

  /** @return the id of the message a message or reaction event changes */
  private static Optional<String> aboutMessage(ChatEvent event) {
    boolean aboutMessage = event.kind().startsWith("message.") || event.kind().startsWith("reaction.");
    return aboutMessage ? Optional.ofNullable(event.payload().getString("messageId")) : Optional.empty();
  }

  @Override
  public Future<Long> lastSeq(String channelId) {
    return streams.lastSeq(channelId);
  }
}
