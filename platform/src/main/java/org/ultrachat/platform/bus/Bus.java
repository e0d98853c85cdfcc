package org.ultrachat.platform.bus;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

/**
 * Publish/subscribe for domain events between services and nodes. Delivery is at most once and
 * only to subscribers present at the time: the store is the source of truth, and a reader that
 * may have missed events repairs from it (real-time resume replays a channel's stored stream).
 * Publish only after the change committed.
 */
public interface Bus {
  /**
   * Topic where the auth service says that credentials changed: {@code userId} (disabled, role,
   * password, tokens) or {@code sessionId} (ended). Holders of long-lived connections re-check.
   */
  String CREDENTIALS_TOPIC = "auth.credentials";

  /** Topic of everything that happens in a channel. */
  static String channelTopic(String channelId) {
    return "channel." + channelId;
  }

  /** Topic of what concerns one user (membership changes, read state, mentions). */
  static String userTopic(String userId) {
    return "user." + userId;
  }

  /** Publishes an event; returns at once. */
  void publish(String topic, JsonObject event);

  /** Subscribes to a topic until the returned subscription is cancelled. */
  Subscription subscribe(String topic, Handler<JsonObject> handler);

  /**
   * Registers a listener told when events from other nodes may have been lost: when this node's
   * link to the bus dropped, and again when it is back. Listeners repair from the store (and must
   * not block); they run on any thread. An in-process bus never loses events and never calls them.
   */
  default void onReset(Runnable listener) {
  }

  /** A live subscription. */
  interface Subscription {
    void cancel();
  }
}
