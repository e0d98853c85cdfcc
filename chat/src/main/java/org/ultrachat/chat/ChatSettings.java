package org.ultrachat.chat;

import java.util.List;
import org.ultrachat.platform.cache.CacheSpec;
import org.ultrachat.platform.config.Setting;

/** The keys of the chat service. */
public final class ChatSettings {
  public static final Setting ENCRYPTION = Setting.oneOf("chat-encryption", "on", List.of("on", "off"),
      "on: message bodies and their edit history are stored sealed (AES-256-GCM); off: stored as plain text.");
  public static final Setting STORE_WRITE_SHARDS = Setting.text("store-write-shards", "4",
      "PostgreSQL: group-commit writers for message changes, each with its own connection; a channel always uses the same one. SQLite has one.");
  public static final Setting CACHE_CHANNEL_MEMBERS = CacheSpec.setting("cache-channel-members", "ttl=5s,max=500000",
      "Channel memberships that decide read access (invalidated on every membership change).");
  public static final Setting CACHE_CHANNELS = CacheSpec.setting("cache-channels", "ttl=5m,max=100000",
      "Channel records for reads (invalidated on every change).");
  public static final Setting CACHE_RECENT_MESSAGES = CacheSpec.setting("cache-recent-messages", "ttl=5m,max=50000",
      "The newest page of each channel's history (invalidated on every message change in the channel).");

  /** Every key of the chat service, in the order the documentation lists them. */
  public static final List<Setting> ALL = List.of(ENCRYPTION, STORE_WRITE_SHARDS, CACHE_CHANNEL_MEMBERS, CACHE_CHANNELS,
      CACHE_RECENT_MESSAGES);

  private ChatSettings() {
  }
}
