package org.ultrachat.gateway.realtime;

import java.util.List;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.ratelimit.RateLimit;

/** The keys of the WebSocket gateway; {@link RealtimeOptions} checks their ranges when it starts. */
public final class RealtimeSettings {
  public static final Setting MAX_FRAME_BYTES = Setting.text("realtime-max-frame-bytes", "16384",
      "Largest WebSocket frame a client may send, in bytes; larger ones get an error frame, over four times this the socket closes.");
  public static final Setting RATE_LIMIT = RateLimit.setting("realtime-rate-limit", "120/10s",
      "Frames each WebSocket connection may send: frames/period (s, m, h).");
  public static final Setting CONNECTIONS_PER_USER = Setting.text("realtime-connections-per-user", "20",
      "Open WebSocket connections allowed per user on a node.");
  public static final Setting CONNECTIONS_PER_ADDRESS = Setting.text("realtime-connections-per-address", "2000",
      "Open WebSocket connections allowed per client address on a node.");
  public static final Setting HEARTBEAT_MS = Setting.text("realtime-heartbeat-ms", "25000",
      "After this long without a frame from a client the server sends a WebSocket ping, in milliseconds.");
  public static final Setting IDLE_TIMEOUT_MS = Setting.text("realtime-idle-timeout-ms", "60000",
      "A connection that sends nothing (not even a pong) for this long is closed (code 4000), in milliseconds.");
  public static final Setting OUTBOUND_BUFFER_BYTES = Setting.text("realtime-outbound-buffer-bytes", "1048576",
      "Bytes queued for one WebSocket before its client counts as a slow consumer and is disconnected (code 4008).");
  public static final Setting RESUME_MAX_EVENTS = Setting.text("realtime-resume-max-events", "5000",
      "Largest gap a resume replays; beyond it the client is told to resync from history.");
  public static final Setting RESUME_WAIT_MS = Setting.text("realtime-resume-wait-ms", "10000",
      "How long live events are held for a new connection that has not sent its first resume, in milliseconds.");

  /** Every key of the WebSocket gateway, in the order the documentation lists them. */
  public static final List<Setting> ALL = List.of(MAX_FRAME_BYTES, RATE_LIMIT, CONNECTIONS_PER_USER,
      CONNECTIONS_PER_ADDRESS, HEARTBEAT_MS, IDLE_TIMEOUT_MS, OUTBOUND_BUFFER_BYTES, RESUME_MAX_EVENTS, RESUME_WAIT_MS);

  private RealtimeSettings() {
  }
}
