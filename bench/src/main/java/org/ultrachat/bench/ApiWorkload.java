package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * {@code api}: a REST mix at each rate of {@code rates} for {@code step} seconds, open loop, with
 * latency per endpoint and step: 40 % channel history, 20 % my channels, 10 % search, 30 % post.
 */
final class ApiWorkload implements Workload {
  @Override
  public Future<Void> run(Context ctx) {
    long step = ctx.plan.number("step");
    long sendAt = ctx.plan.number("sendAt");
    List<Long> rates = ctx.plan.numbers("rates");
    Map<Integer, String> channelOf = ctx.plan.channelOf();
    int[] next = {0};
    long[] n = {0};
    Future<Void> chain = ctx.vertx.timer(Math.max(1, sendAt - System.currentTimeMillis())).mapEmpty();
    for (long rate : rates) {
      String name = String.format("%06d", rate);
      chain = chain.compose(v -> Schedule.fixedRate(ctx.vertx, rate / (double) ctx.plan.workers(), step, intended -> {
        int user = ctx.users.get(next[0]++ % ctx.users.size());
        String token = ctx.plan.users().get(user).token();
        String channel = channelOf.get(user);
        long k = n[0]++;
        int pick = (int) Math.floorMod(k * 7919, 10L);
        String endpoint;
        Future<JsonObject> call;
        Api api = ctx.api(user);
        if (pick < 4) {
          endpoint = "GET history";
          call = api.get("/v1/channels/" + channel + "/messages?limit=50", token);
        } else if (pick < 6) {
          endpoint = "GET channels";
          call = api.get("/v1/channels?scope=mine", token);
        } else if (pick < 7) {
          endpoint = "GET search";
          call = api.get("/v1/search?q=" + Words.word(k), token);
        } else {
          endpoint = "POST message";
          call = api.call(HttpMethod.POST, "/v1/channels/" + channel + "/messages",
              new JsonObject().put("body", Words.sentence(k)), token);
        }
        ctx.meter.count("sent@" + name);
        call.onComplete(done -> {
          ctx.meter.latency(endpoint + "@" + name, Schedule.nowMicros() - intended);
          if (done.succeeded()) {
            ctx.meter.count("ok@" + name);
          } else if (done.cause() instanceof Api.Failed f && f.status == 429) {
            ctx.meter.count("rate_limited@" + name);
          } else {
            ctx.meter.count("errors@" + name);
            ctx.meter.count("error " + endpoint + " " + Errors.of(done.cause()) + "@" + name);
          }
        });
      }));
    }
    return chain.compose(v -> ctx.vertx.timer(3_000)).mapEmpty();
  }
}
