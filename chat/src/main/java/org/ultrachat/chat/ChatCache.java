package org.ultrachat.chat;

import com.github.benmanes.caffeine.cache.AsyncCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.cache.Caches;

/**
 * Channels and memberships for reads (history, threads, pins, members, edits). Writes never
 * decide from here: they re-read inside their transaction. Every change invalidates the entry
 * here at once and, through the bus topic {@link #TOPIC}, on every other node, so a removed
 * member does not keep reading from a cache.
 */
final class ChatCache {
  static final String TOPIC = "chat.invalidate";

  private final Vertx vertx;
  private final Bus bus;
  private final AsyncCache<String, Optional<Channel>> channels;
  private final AsyncCache<String, Optional<Member>> members;
  private final AsyncCache<String, List<Message>> recent;

  ChatCache(Vertx vertx, Bus bus, Caches caches) {
    this.vertx = vertx;
    this.bus = bus;
    this.channels = caches.async("channels");
    this.members = caches.async("channel-members");
    this.recent = caches.async("recent-messages");
    bus.subscribe(TOPIC, this::forget);
  }

  Future<Optional<Channel>> channel(String channelId, Supplier<Future<Optional<Channel>>> load) {
    return get(channels, channelId, load);
  }

  Future<Optional<Member>> member(String channelId, String userId, Supplier<Future<Optional<Member>>> load) {
    return get(members, channelId + "/" + userId, load);
  }

  /** The newest page of a channel's history (up to the page cap), loaded once and shared. */
  Future<List<Message>> recentMessages(String channelId, Supplier<Future<List<Message>>> load) {
    return get(recent, channelId, load);
  }

  /** Forgets a channel's newest page here and on every node; call after any message change commits. */
  void messagesChanged(String channelId) {
    JsonObject what = new JsonObject().put("channelId", channelId).put("messages", true);
    recent.synchronous().invalidate(channelId);
    bus.publish(TOPIC, what);
  }

  /** Forgets a channel (and one member of it, when given) here and on every node. */
  void invalidate(String channelId, Optional<String> userId) {
    JsonObject what = new JsonObject().put("channelId", channelId);
    userId.ifPresent(u -> what.put("userId", u));
    forget(what);
    bus.publish(TOPIC, what);
  }

  private void forget(JsonObject what) {
    String channelId = what.getString("channelId");
    if (what.getBoolean("messages", false)) {
      recent.synchronous().invalidate(channelId);
      return;
    }
    channels.synchronous().invalidate(channelId);
    String userId = what.getString("userId");
    if (userId != null) {
      members.synchronous().invalidate(channelId + "/" + userId);
    }
  }

  private <V> Future<V> get(AsyncCache<String, V> cache, String key, Supplier<Future<V>> load) {
    return Caches.get(vertx, cache, key, load);
  }
}
