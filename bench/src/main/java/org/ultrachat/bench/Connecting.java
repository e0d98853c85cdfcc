package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connects a worker's users at a steady pace and classifies failures, so that a run says whether
 * the server refused (429, closed) or the generator hit one of its own limits (file descriptors,
 * local ports).
 */
final class Connecting {
  private Connecting() {
  }

  /** Frames of one user's socket: (user index, frame text). */
  interface Frames {
    void handle(int user, String text);
  }

  static Future<List<RtClient>> all(Workload.Context ctx, List<Integer> users, double perSecond, Frames frames) {
    List<RtClient> clients = new ArrayList<>();
    List<Future<?>> attempts = new ArrayList<>();
    AtomicBoolean fileLimit = new AtomicBoolean();
    AtomicBoolean ports = new AtomicBoolean();
    int[] next = {0};
    double seconds = users.size() / perSecond;
    return Schedule.fixedRate(ctx.vertx, perSecond, seconds, intended -> {
      if (next[0] >= users.size()) {
        return;
      }
      int index = users.get(next[0]++);
      Plan.User user = ctx.plan.users().get(index);
      RtClient client = new RtClient(index, user.id(), user.token());
      Handler<String> onFrame = text -> frames.handle(index, text);
      attempts.add(client.connect(ctx.sockets(index), ctx.plan.target(), onFrame, code -> {
        if (!ctx.closing) {
          ctx.meter.count("disconnects");
        }
      })
          .onSuccess(c -> {
            ctx.meter.count("connected");
            ctx.meter.latency("connect", Schedule.nowMicros() - intended);
            clients.add(c);
          }).onFailure(e -> {
            String why = String.valueOf(e.getMessage());
            if (why.contains("Too many open files")) {
              ctx.meter.count("failed_generator_files");
              if (fileLimit.compareAndSet(false, true)) {
                ctx.note("worker " + ctx.worker + " reached its own file-descriptor limit: the generator, not the server, "
                    + "stopped these connections");
              }
            } else if (why.contains("Cannot assign requested address")) {
              ctx.meter.count("failed_generator_ports");
              if (ports.compareAndSet(false, true)) {
                ctx.note("worker " + ctx.worker + " ran out of local ports on " + ctx.plan.addressOf(index));
              }
            } else if (why.contains("429")) {
              ctx.meter.count("refused_429");
            } else {
              ctx.meter.count("failed");
            }
          }));
    }).compose(v -> Future.join(attempts)).map(v -> clients);
  }
}
