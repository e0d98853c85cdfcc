package org.ultrachat.chat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.ultrachat.platform.cluster.InternalRoutes;
import org.ultrachat.platform.seam.ChatFeed;
import org.ultrachat.platform.seam.ChatLink;

/**
 * The chat service's internal routes: what a gateway-only node's WebSockets need from it
 * ({@link RemoteChatLink}), and the durable feed for consumers on other nodes ({@link RemoteChatFeed}).
 */
final class ChatInternalApi {
  static final String MEMBER_CHANNELS = "/internal/v1/chat/member-channels";
  static final String READABLE = "/internal/v1/chat/readable";
  static final String MEMBER = "/internal/v1/chat/member";
  static final String SEND = "/internal/v1/chat/send";
  static final String EVENTS = "/internal/v1/chat/events";
  static final String LAST_SEQ = "/internal/v1/chat/last-seq";
  static final String FEED = "/internal/v1/chat/feed";
  static final String FEED_HEAD = "/internal/v1/chat/feed/head";
  private static final int CURSOR = 40;
  /** The most events one call returns, whatever the caller asks. */
  static final int MAX_EVENTS = 5_000;
  private static final int ID = InternalRoutes.ID;
  /** Above the real-time frame cap: the chat service applies the message rules itself, as in-process. */
  private static final int MESSAGE = 100_000;

  private ChatInternalApi() {
  }

  static void routes(InternalRoutes routes, ChatLink c, ChatFeed feed) {
    routes.post(FEED, body -> feed.after(body.string("cursor", 1, CURSOR),
            Set.copyOf(body.has("kinds") ? body.strings("kinds", 0, Feed.MAX_KINDS, Feed.MAX_KIND) : List.of()),
            body.optionalLong("limit", 1, ChatFeed.MAX_PAGE).orElse((long) ChatFeed.MAX_PAGE).intValue())
        .map(page -> new JsonObject().put("next", page.next())
            .put("events", new JsonArray(page.events().stream().map(Feed::json).toList()))));
    routes.post(FEED_HEAD, body -> feed.head().map(cursor -> new JsonObject().put("cursor", cursor)));
    routes.post(MEMBER_CHANNELS, body -> c.memberChannels(body.string("userId", 1, ID))
        .map(ids -> new JsonObject().put("channels", new JsonArray(ids))));
    routes.post(READABLE, body -> c.readable(InternalRoutes.caller(body), body.string("channelId", 1, ID))
        .map(v -> new JsonObject()));
    routes.post(MEMBER, body -> c.member(InternalRoutes.caller(body), body.string("channelId", 1, ID))
        .map(v -> new JsonObject()));
    routes.post(SEND, body -> c.send(InternalRoutes.caller(body), body.string("channelId", 1, ID),
        body.verbatim("body", MESSAGE), body.string("clientId", 1, ID), body.optionalString("threadRootId", 1, ID))
        .map(sent -> new JsonObject().put("message", sent.message()).put("duplicate", sent.duplicate())));
    routes.post(EVENTS, body -> c.events(body.string("channelId", 1, ID),
            body.optionalLong("afterSeq", 0, Long.MAX_VALUE).orElse(0L),
            body.optionalLong("limit", 1, MAX_EVENTS).orElse((long) MAX_EVENTS).intValue())
        .map(events -> new JsonObject().put("events", new JsonArray(events))));
    routes.post(LAST_SEQ, body -> c.lastSeq(body.string("channelId", 1, ID))
        .map(seq -> new JsonObject().put("seq", seq)));
  }
}
