package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Makes what a run needs through the public API, as an operator and users would: accounts from
 * the admin provisioning path (personal access tokens, no password hashing), channels created and
 * joined by the users themselves, each from the source address that user runs from.
 */
final class Setup {
  static final int PROVISION_BATCH = 1000;
  static final int IN_FLIGHT = 64;

  private final Vertx vertx;
  private final URI target;
  private final List<String> addresses;
  private final int usersPerAddress;
  private final Map<String, Api> apis = new HashMap<>();
  private final String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
  private final Progress progress;

  interface Progress {
    void say(String line);
  }

  Setup(Vertx vertx, URI target, List<String> addresses, int usersPerAddress, Progress progress) {
    this.vertx = vertx;
    this.target = target;
    this.addresses = addresses;
    this.usersPerAddress = usersPerAddress;
    this.progress = progress;
  }

  String runId() {
    return runId;
  }

  Api api(String address) {
    return apis.computeIfAbsent(address, a -> new Api(vertx, target, a, IN_FLIGHT));
  }

  Api apiOf(int userIndex) {
    return api(addresses.get((userIndex / usersPerAddress) % addresses.size()));
  }

  /** @return an admin access token from a password login */
  String adminToken(String username, String password) {
    return api(addresses.get(0)).post("/v1/auth/login", new JsonObject().put("username", username)
        .put("password", password), null).await().getString("accessToken");
  }

  /** Provisions {@code n} members (usernames {@code b<run>-<i>}). */
  List<Plan.User> users(String adminToken, int n) {
    List<Plan.User> users = new ArrayList<>();
    for (int from = 0; from < n; from += PROVISION_BATCH) {
      JsonArray batch = new JsonArray();
      for (int i = from; i < Math.min(n, from + PROVISION_BATCH); i++) {
        batch.add(new JsonObject().put("username", "b" + runId + "-" + i));
      }
      JsonArray created = api(addresses.get(0)).post("/v1/admin/users", new JsonObject().put("users", batch), adminToken)
          .await().getJsonArray("users");
      for (int i = 0; i < created.size(); i++) {
        JsonObject c = created.getJsonObject(i);
        users.add(new Plan.User(c.getJsonObject("user").getString("id"), c.getString("token")));
      }
      progress.say("setup: " + users.size() + "/" + n + " users provisioned");
    }
    return users;
  }

  /** Creates a channel as {@code creator} and has the other members join it (public) or be invited (private). */
  List<Plan.Channel> channels(List<Plan.User> users, List<List<Integer>> groups, String kind, String prefix) {
    List<Plan.Channel> made = new ArrayList<>(Collections.nCopies(groups.size(), null));
    AtomicInteger done = new AtomicInteger();
    each(groups.size(), g -> {
      List<Integer> members = groups.get(g);
      int creator = members.get(0);
      return apiOf(creator).post("/v1/channels", new JsonObject().put("kind", kind)
              .put("name", prefix + "-" + runId + "-" + g), users.get(creator).token())
          .compose(channel -> {
            String id = channel.getString("id");
            made.set(g, new Plan.Channel(id, members));
            List<Integer> others = members.subList(1, members.size());
            return sequence(others, u -> kind.equals("public")
                ? apiOf(u).post("/v1/channels/" + id + "/join", new JsonObject(), users.get(u).token())
                : apiOf(creator).post("/v1/channels/" + id + "/members", new JsonObject()
                    .put("userId", users.get(u).id()), users.get(creator).token()));
          }).onSuccess(v -> {
            int n = done.incrementAndGet();
            if (n % 100 == 0 || n == groups.size()) {
              progress.say("setup: " + n + "/" + groups.size() + " " + prefix + " channels");
            }
          });
    });
    return made;
  }

  /** Posts {@code perChannel} messages into each channel, as its members in turn. */
  void seed(List<Plan.User> users, List<Plan.Channel> channels, int perChannel) {
    each(channels.size(), c -> {
      Plan.Channel ch = channels.get(c);
      List<Integer> posts = new ArrayList<>();
      for (int i = 0; i < perChannel; i++) {
        posts.add(ch.members().get(i % ch.members().size()));
      }
      int[] k = {0};
      return sequence(posts, u -> apiOf(u).post("/v1/channels/" + ch.id() + "/messages", new JsonObject()
          .put("body", Words.sentence(c * 1000 + k[0]++)), users.get(u).token()));
    });
    progress.say("setup: seeded " + perChannel + " messages in each of " + channels.size() + " channels");
  }

  /** Runs {@code task(i)} for i in [0, n) with at most {@link #IN_FLIGHT} at once; waits for all. */
  void each(int n, Function<Integer, Future<?>> task) {
    Promise<Void> all = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    vertx.runOnContext(v -> {
      if (n == 0) {
        all.complete();
      }
      for (int i = 0; i < Math.min(IN_FLIGHT, n); i++) {
        startNext(n, task, next, running, failures, all);
      }
    });
    all.future().await();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("setup failed " + failures.size() + " times; first: " + failures.get(0).getMessage(),
          failures.get(0));
    }
  }

  private void startNext(int n, Function<Integer, Future<?>> task, AtomicInteger next, AtomicInteger running,
                         List<Throwable> failures, Promise<Void> all) {
    int i = next.getAndIncrement();
    if (i >= n) {
      if (running.get() == 0) {
        all.tryComplete();
      }
      return;
    }
    running.incrementAndGet();
    task.apply(i).onComplete(done -> {
      if (done.failed()) {
        failures.add(done.cause());
      }
      running.decrementAndGet();
      startNext(n, task, next, running, failures, all);
    });
  }

  private static <T> Future<Void> sequence(List<T> items, Function<T, Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item).mapEmpty());
    }
    return chain;
  }

  void close() {
    apis.values().forEach(Api::close);
  }
}
