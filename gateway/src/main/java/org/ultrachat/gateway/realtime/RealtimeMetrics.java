package org.ultrachat.gateway.realtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** The real-time gateway's meters (Prometheus names in docs/operations.md). */
final class RealtimeMetrics {
  private final MeterRegistry registry;
  final AtomicLong connections = new AtomicLong();
  final AtomicLong subscriptions = new AtomicLong();
  final Counter eventsIn;
  final Counter eventsOut;
  final Counter replayed;
  final Counter slowConsumers;
  final Counter gapFills;
  final Counter rejoins;

  RealtimeMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("ultrachat.realtime.connections", connections, AtomicLong::get)
        .description("Open WebSocket connections on this node").register(registry);
    Gauge.builder("ultrachat.realtime.subscriptions", subscriptions, AtomicLong::get)
        .description("Channel subscriptions of open connections (one per connection and channel)").register(registry);
    eventsIn = Counter.builder("ultrachat.realtime.events.in").description("Events received from the bus")
        .register(registry);
    eventsOut = Counter.builder("ultrachat.realtime.events.out").description("Frames written to sockets")
        .register(registry);
    replayed = Counter.builder("ultrachat.realtime.replayed.events").description("Stored events replayed by resume")
        .register(registry);
    slowConsumers = Counter.builder("ultrachat.realtime.slow.consumer.disconnects")
        .description("Connections closed because their outbound buffer filled up").register(registry);
    gapFills = Counter.builder("ultrachat.realtime.gap.fills")
        .description("Reads from the store to fill a gap in a channel's live events").register(registry);
    rejoins = Counter.builder("ultrachat.realtime.rejoins")
        .description("Channels a connection began to follow when its memberships were read again after a bus reset")
        .register(registry);
  }

  /** Counts a frame answered with an error, by the client frame's type and the error code. */
  void frameError(String frameType, String code) {
    Counter.builder("ultrachat.realtime.frame.errors").description("Client frames answered with an error")
        .tag("type", frameType).tag("code", code).register(registry).increment();
  }

  /** Counts a refused handshake by reason (origin, unauthorized, limit). */
  void refused(String reason) {
    Counter.builder("ultrachat.realtime.refused").description("WebSocket handshakes refused")
        .tag("reason", reason).register(registry).increment();
  }
}
