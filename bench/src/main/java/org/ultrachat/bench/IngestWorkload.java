package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * {@code ingest}: sends at each rate of {@code rates} for {@code step} seconds over all sockets in
 * turn, and counts what was acked (committed and durable) per step, with send-to-ack latency per
 * step. The highest step whose acks keep up with the offered rate is the saturation point.
 */
final class IngestWorkload implements Workload {
  @Override
  public Future<Void> run(Context ctx) {
    long step = ctx.plan.number("step");
    double ramp = Double.parseDouble(ctx.plan.param("ramp")) / ctx.plan.workers();
    long sendAt = ctx.plan.number("sendAt");
    List<Long> rates = ctx.plan.numbers("rates");
    Map<Integer, String> channelOf = ctx.plan.channelOf();
    String[] stepName = {"warmup"};
    return Connecting.all(ctx, ctx.users, ramp, (user, text) -> {
      long now = Schedule.nowMicros();
      if (text.startsWith("{\"type\":\"ack\"")) {
        String name = stepOf(text);
        long sent = Schedule.numberAfter(text, "\"id\":\"" + name + "-");
        ctx.meter.count("acked@" + name);
        ctx.meter.latency("ack@" + name, now - sent);
      } else if (text.startsWith("{\"type\":\"error\"")) {
        ctx.meter.count("errors@" + stepOf(text));
        ctx.meter.count("error " + Errors.ofFrame(text) + "@" + stepOf(text));
      }
    }).compose(clients -> {
      List<RtClient> live = clients.stream().filter(RtClient::open).toList();
      int[] next = {0};
      long[] seq = {0};
      Future<Void> chain = ctx.vertx.timer(Math.max(1, sendAt - System.currentTimeMillis())).mapEmpty();
      for (long rate : rates) {
        chain = chain.compose(v -> {
          stepName[0] = String.format("%06d", rate);
          String name = stepName[0];
          return Schedule.fixedRate(ctx.vertx, rate / (double) ctx.plan.workers(), step, intended -> {
            RtClient c = live.get(next[0]++ % live.size());
            if (!c.open()) {
              ctx.meter.count("skipped_closed@" + name);
              return;
            }
            ctx.meter.count("sent@" + name);
            // The frame id carries the step and the intended time, so the ack needs no lookup.
            c.send(new JsonObject().put("type", "send").put("id", name + "-" + intended)
                .put("channelId", channelOf.get(c.index)).put("clientId", ctx.worker + "-" + seq[0]++)
                .put("body", Words.sentence(seq[0])));
          });
        });
      }
      return chain.compose(v -> ctx.vertx.timer(5_000)).onComplete(v -> ctx.closing = true)
          .compose(v -> Future.join(clients.stream().map(RtClient::close).toList())).mapEmpty();
    });
  }

  /** @return the step name in a reply's id ({@code "id":"<step>-<micros>"}) */
  private static String stepOf(String text) {
    int at = text.indexOf("\"id\":\"");
    if (at < 0) {
      return "unknown";
    }
    int dash = text.indexOf('-', at + 6);
    return dash < 0 ? "unknown" : text.substring(at + 6, dash);
  }
}
