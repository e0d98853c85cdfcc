package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code users}: simulated people. At each step of {@code steps} (active users in total) the
 * worker connects its share like the web client does (one WebSocket, live), then each active user
 * acts after a random think time (exponential, mean {@code think} ms): switch to a channel and read
 * its history (50 %), type (20 %), react (10 %), post (8 %), search (7 %), reply in a thread (5 %).
 * Latency per action and step is measured from the intended time of the action. The mix follows
 * the shape of Mattermost's load-test user model (reads and channel switches dominate, posts are
 * a small share); docs/benchmarks.md compares the two.
 */
final class UsersWorkload implements Workload {
  private static final String[] EMOJI = {"thumbsup", "tada", "eyes", "heart"};

  @Override
  public Future<Void> run(Context ctx) {
    long step = ctx.plan.number("step");
    long think = ctx.plan.number("think");
    double ramp = Double.parseDouble(ctx.plan.param("ramp")) / ctx.plan.workers();
    long sendAt = ctx.plan.number("sendAt");
    Map<Integer, List<String>> channelsOf = new HashMap<>();
    for (Plan.Channel ch : ctx.plan.channels()) {
      ch.members().forEach(m -> channelsOf.computeIfAbsent(m, k -> new ArrayList<>()).add(ch.id()));
    }
    Map<String, String> lastMessage = new ConcurrentHashMap<>();
    Map<String, long[]> pending = new ConcurrentHashMap<>();
    String[] stepName = {"000000"};
    Random random = new Random(ctx.worker);
    Future<Void> chain = ctx.vertx.timer(Math.max(1, sendAt - System.currentTimeMillis())).mapEmpty();
    int activeBefore = 0;
    for (String s : ctx.plan.param("steps").split(",")) {
      int total = Integer.parseInt(s.trim());
      List<Integer> joining = new ArrayList<>();
      for (int i : ctx.users) {
        if (i >= activeBefore && i < total) {
          joining.add(i);
        }
      }
      activeBefore = total;
      String name = String.format("%06d", total);
      chain = chain.compose(v -> {
        stepName[0] = name;
        ctx.note("phase:step-" + name);
        long stepEnds = System.currentTimeMillis() + step * 1000;
        return Connecting.all(ctx, joining, ramp, (user, text) -> frame(ctx, text, lastMessage, pending))
            .map(clients -> {
              clients.forEach(c -> act(ctx, c, channelsOf.get(c.index), think, random, stepName, lastMessage, pending));
              return null;
            })
            .compose(v2 -> ctx.vertx.timer(Math.max(1, stepEnds - System.currentTimeMillis())));
      }).mapEmpty();
    }
    return chain.onComplete(v -> stepName[0] = "done");
  }

  private static void frame(Context ctx, String text, Map<String, String> lastMessage, Map<String, long[]> pending) {
    // Thread roots only: a reply to a reply is refused (bad_input), which would count as the server's error.
    if (text.startsWith("{\"type\":\"event\"") && text.contains("\"message.created\"")
        && !text.contains("\"threadRootId\":\"")) {
      int at = text.indexOf("\"messageId\":\"");
      int ch = text.indexOf("\"channelId\":\"");
      if (at > 0 && ch > 0) {
        lastMessage.put(text.substring(ch + 13, ch + 49), text.substring(at + 13, at + 49));
      }
    } else if (text.startsWith("{\"type\":\"ack\"") || text.startsWith("{\"type\":\"error\"")) {
      int at = text.indexOf("\"id\":\"");
      if (at > 0) {
        String id = text.substring(at + 6, text.indexOf('"', at + 6));
        long[] started = pending.remove(id);
        if (started != null) {
          String step = id.substring(0, 6);
          String action = started[1] == 1 ? "reply" : "post";
          done(ctx, action, step, started[0], text.startsWith("{\"type\":\"ack\"") ? null : Errors.ofFrame(text));
        }
      }
    }
  }

  /** @param error what went wrong ({@link Errors}), or null when the action succeeded */
  private static void done(Context ctx, String action, String step, long intended, String error) {
    long latency = Schedule.nowMicros() - intended;
    ctx.meter.latency(action + "@" + step, latency);
    ctx.meter.latency("action@" + step, latency);
    if (error == null) {
      ctx.meter.count("ok@" + step);
    } else {
      ctx.meter.count("errors@" + step);
      ctx.meter.count("error " + action + " " + error + "@" + step);
    }
  }

  private static void act(Context ctx, RtClient c, List<String> channels, long think, Random random, String[] stepName,
                          Map<String, String> lastMessage, Map<String, long[]> pending) {
    long delay = Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * think));
    long intended = Schedule.nowMicros() + delay * 1000;
    ctx.vertx.setTimer(delay, id -> {
      String step = stepName[0];
      if (step.equals("done") || !c.open()) {
        return;
      }
      String channel = channels.get(random.nextInt(channels.size()));
      int roll = random.nextInt(100);
      Api api = ctx.api(c.index);
      String path = "/v1/channels/" + channel;
      if (roll < 50) {
        rest(ctx, "read", step, intended, api.get(path + "/messages?limit=50", c.token));
      } else if (roll < 63) {
        String root = roll >= 58 ? lastMessage.get(channel) : null;
        String frameId = step + "-" + intended + "-" + c.index;
        pending.put(frameId, new long[] {intended, root == null ? 0 : 1});
        JsonObject send = new JsonObject().put("type", "send").put("id", frameId).put("channelId", channel)
            .put("clientId", frameId).put("body", Words.sentence(intended));
        if (root != null) {
          send.put("threadRootId", root);
        }
        c.send(send);
      } else if (roll < 73) {
        String message = lastMessage.get(channel);
        if (message == null) {
          rest(ctx, "read", step, intended, api.get(path + "/messages?limit=50", c.token));
        } else {
          rest(ctx, "react", step, intended, api.call(HttpMethod.PUT,
              path + "/messages/" + message + "/reactions/" + EMOJI[random.nextInt(EMOJI.length)], null, c.token));
        }
      } else if (roll < 80) {
        rest(ctx, "search", step, intended, api.get("/v1/search?q=" + Words.word(intended), c.token));
      } else {
        c.send(new JsonObject().put("type", "typing").put("channelId", channel));
        ctx.meter.count("typing@" + step);
      }
      act(ctx, c, channels, think, random, stepName, lastMessage, pending);
    });
  }

  private static void rest(Context ctx, String action, String step, long intended, Future<JsonObject> call) {
    call.onComplete(done -> done(ctx, action, step, intended, done.succeeded() ? null : Errors.of(done.cause())));
  }
}
