package org.ultrachat.bench;

import io.vertx.core.Future;

/**
 * {@code connections}: ramps this worker's users to one live WebSocket each, tells the
 * coordinator it holds them ({@code phase:held}, when it measures the server's memory), holds
 * them for {@code hold} seconds, and closes them.
 */
final class ConnectionsWorkload implements Workload {
  @Override
  public Future<Void> run(Context ctx) {
    double ramp = Double.parseDouble(ctx.plan.param("ramp")) / ctx.plan.workers();
    long hold = ctx.plan.number("hold");
    return Connecting.all(ctx, ctx.users, ramp, (user, text) -> ctx.meter.count("frames_in"))
        .compose(clients -> {
          ctx.note("phase:held");
          return ctx.vertx.timer(hold * 1000).map(v -> clients);
        })
        .compose(clients -> {
          ctx.closing = true;
          long open = clients.stream().filter(RtClient::open).count();
          ctx.meter.count("held_to_end", open);
          return Future.join(clients.stream().map(RtClient::close).toList()).<Void>mapEmpty();
        });
  }
}
