package org.ultrachat.gateway.realtime;

import java.util.List;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.ratelimit.RateLimit;

/** The real-time settings, read and checked once. */
record RealtimeOptions(int maxFrameBytes, RateLimit frameRate, int connectionsPerUser, int connectionsPerAddress,
                       long heartbeatMs, long idleTimeoutMs, int outboundBufferBytes, int resumeMaxEvents,
                       long resumeWaitMs, List<String> allowedOrigins) {
  /** Frames over this many times the frame cap close the socket instead of getting an error frame. */
  static final int HARD_CAP_FACTOR = 4;

  static RealtimeOptions of(Config config) {
    RealtimeOptions o = new RealtimeOptions(config.integer(RealtimeSettings.MAX_FRAME_BYTES),
        RateLimit.of(config, RealtimeSettings.RATE_LIMIT), config.integer(RealtimeSettings.CONNECTIONS_PER_USER),
        config.integer(RealtimeSettings.CONNECTIONS_PER_ADDRESS), config.integer(RealtimeSettings.HEARTBEAT_MS),
        config.integer(RealtimeSettings.IDLE_TIMEOUT_MS), config.integer(RealtimeSettings.OUTBOUND_BUFFER_BYTES),
        config.integer(RealtimeSettings.RESUME_MAX_EVENTS), config.integer(RealtimeSettings.RESUME_WAIT_MS),
        config.list(EdgeSettings.CORS_ORIGINS));
    positive(RealtimeSettings.MAX_FRAME_BYTES, o.maxFrameBytes, 256, 1 << 20);
    positive(RealtimeSettings.CONNECTIONS_PER_USER, o.connectionsPerUser, 1, 1_000_000);
    positive(RealtimeSettings.CONNECTIONS_PER_ADDRESS, o.connectionsPerAddress, 1, 10_000_000);
    positive(RealtimeSettings.HEARTBEAT_MS, o.heartbeatMs, 100, 3_600_000);
    positive(RealtimeSettings.IDLE_TIMEOUT_MS, o.idleTimeoutMs, o.heartbeatMs + 1, 7_200_000);
    positive(RealtimeSettings.OUTBOUND_BUFFER_BYTES, o.outboundBufferBytes, 4096, 1 << 30);
    positive(RealtimeSettings.RESUME_MAX_EVENTS, o.resumeMaxEvents, 1, 10_000_000);
    positive(RealtimeSettings.RESUME_WAIT_MS, o.resumeWaitMs, 0, 600_000);
    return o;
  }

  private static void positive(Setting s, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(s.key() + " must be between " + min + " and " + max + ", not " + value);
    }
  }

  int hardFrameCap() {
    return maxFrameBytes * HARD_CAP_FACTOR;
  }
}
