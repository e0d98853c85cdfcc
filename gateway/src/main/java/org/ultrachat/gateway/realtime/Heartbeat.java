package org.ultrachat.gateway.realtime;

/**
 * When to ping a quiet client and when to give up on it. Any frame from the client (a pong too)
 * counts as life. Pure, with times passed in, so it is tested without sockets or waiting.
 */
final class Heartbeat {
  enum Action { NONE, PING, CLOSE }

  private final long intervalMs;
  private final long idleTimeoutMs;
  private long lastHeard;
  private long lastPing;

  Heartbeat(long nowMs, long intervalMs, long idleTimeoutMs) {
    this.intervalMs = intervalMs;
    this.idleTimeoutMs = idleTimeoutMs;
    this.lastHeard = nowMs;
    this.lastPing = nowMs;
  }

  void heard(long nowMs) {
    lastHeard = Math.max(lastHeard, nowMs);
  }

  /** @return what to do now: close when nothing came for the idle timeout, ping after a quiet interval */
  Action check(long nowMs) {
    if (nowMs - lastHeard >= idleTimeoutMs) {
      return Action.CLOSE;
    }
    if (nowMs - lastHeard >= intervalMs && nowMs - lastPing >= intervalMs) {
      lastPing = nowMs;
      return Action.PING;
    }
    return Action.NONE;
  }
}
