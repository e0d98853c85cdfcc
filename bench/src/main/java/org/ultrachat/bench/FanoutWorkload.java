package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * {@code fanout}: channels of {@code members} users each; everyone connects, then the worker's
 * share of {@code rate} messages a second is sent over its sockets in turn, each body carrying its
 * intended send time. Every socket that receives a {@code message.created} records send-to-deliver
 * latency; every ack records send-to-ack latency.
 */
final class FanoutWorkload implements Workload {
  @Override
  public Future<Void> run(Context ctx) {
    double rate = Double.parseDouble(ctx.plan.param("rate")) / ctx.plan.workers();
    long seconds = ctx.plan.number("duration");
    long sendAt = ctx.plan.number("sendAt");
    double ramp = Double.parseDouble(ctx.plan.param("ramp")) / ctx.plan.workers();
    Map<Integer, String> channelOf = ctx.plan.channelOf();
    String filler = "x".repeat(Math.max(0, Integer.parseInt(ctx.plan.params().getOrDefault("bodyBytes", "100")) - 24));
    return Connecting.all(ctx, ctx.users, ramp, (user, text) -> received(ctx, text)).compose(clients -> {
      long wait = sendAt - System.currentTimeMillis();
      if (wait < 0) {
        ctx.note("worker " + ctx.worker + " was still connecting when sending began; start it later (--connect-seconds)");
      }
      List<RtClient> live = clients.stream().filter(RtClient::open).toList();
      int[] next = {0};
      long[] seq = {0};
      return ctx.vertx.timer(Math.max(1, wait)).compose(v -> Schedule.fixedRate(ctx.vertx, rate, seconds, intended -> {
        if (live.isEmpty()) {
          return;
        }
        RtClient c = live.get(next[0]++ % live.size());
        if (!c.open()) {
          ctx.meter.count("send_skipped_closed");
          return;
        }
        String channelId = channelOf.get(c.index);
        ctx.meter.count("sent");
        c.send(new JsonObject().put("type", "send").put("id", Long.toString(intended)).put("channelId", channelId)
            .put("clientId", ctx.worker + "-" + seq[0]++ + "-" + intended).put("body", "t=" + intended + ";" + filler));
      })).compose(v -> ctx.vertx.timer(5_000)).compose(v -> {
        ctx.closing = true;
        return Future.succeededFuture();
      }).compose(v -> Future.join(clients.stream().map(RtClient::close).toList()))
          .mapEmpty();
    });
  }

  static void received(Context ctx, String text) {
    long now = Schedule.nowMicros();
    if (text.startsWith("{\"type\":\"event\"")) {
      long sent = Schedule.numberAfter(text, "\"body\":\"t=");
      if (sent > 0) {
        ctx.meter.count("delivered");
        ctx.meter.latency("deliver", now - sent);
      }
    } else if (text.startsWith("{\"type\":\"ack\"")) {
      long sent = Schedule.numberAfter(text, "\"id\":\"");
      ctx.meter.count("acked");
      if (sent > 0) {
        ctx.meter.latency("ack", now - sent);
      }
    } else if (text.startsWith("{\"type\":\"error\"")) {
      ctx.meter.count("errors");
    }
  }
}
