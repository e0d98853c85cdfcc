package org.ultrachat.app;

import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A test client for the real-time gateway ({@code /v1/realtime}, docs/protocol.md). It keeps
 * every text frame it receives, in arrival order, and lets a test wait for the frames it
 * expects. Waits are generous; tests assert on what was delivered, never on how fast.
 */
final class RealtimeClient implements AutoCloseable {
  /** How long any wait for a frame or a close may take before the test fails. */
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String SUBPROTOCOL = "ultrachat.v1";

  private static final AtomicInteger IDS = new AtomicInteger();

  private final WebSocketClient client;
  private final ClientWebSocket ws;
  /** Filled by the event loop, drained by the test thread into {@link #seen}. */
  private final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
  /** Every frame received so far, in arrival order; only touched under this object's lock. */
  private final List<JsonObject> seen = new ArrayList<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private volatile MultiMap handshakeHeaders;
  private volatile String subProtocol;
  /** Where {@link #next} searches from. */
  private int cursor;

  /** How to open a connection. */
  static final class Options {
    String token;
    boolean tokenInSubprotocol;
    String origin;
    boolean smallReceiveBuffer;
    List<String> extraSubprotocols = List.of();

    Options token(String t) {
      this.token = t;
      return this;
    }

    /** Sends the token as the {@code bearer.<token>} subprotocol, as browsers do. */
    Options bySubprotocol() {
      this.tokenInSubprotocol = true;
      return this;
    }

    Options origin(String o) {
      this.origin = o;
      return this;
    }

    /** A tiny TCP receive buffer, so that a paused reader backs the server up quickly. */
    Options smallReceiveBuffer() {
      this.smallReceiveBuffer = true;
      return this;
    }
  }

  /** A handshake the server answered with an HTTP error instead of an upgrade. */
  record Rejected(int status, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private RealtimeClient(WebSocketClient client, ClientWebSocket ws) {
    this.client = client;
    this.ws = ws;
  }

  /** Connects with {@code Authorization: Bearer <token>}; fails the test if the handshake is refused. */
  static RealtimeClient connect(Vertx vertx, int port, String token) {
    return connect(vertx, port, new Options().token(token));
  }

  /** Connects with the token in the subprotocol list, as a browser would. */
  static RealtimeClient connectBySubprotocol(Vertx vertx, int port, String token) {
    return connect(vertx, port, new Options().token(token).bySubprotocol());
  }

  static RealtimeClient connect(Vertx vertx, int port, Options options) {
    Object result = attempt(vertx, port, options);
    if (result instanceof Rejected r) {
      return fail("handshake refused with %d: %s", r.status(), r.body());
    }
    return (RealtimeClient) result;
  }

  /** @return the refusal of a handshake that the test expects to be refused */
  static Rejected rejected(Vertx vertx, int port, Options options) {
    Object result = attempt(vertx, port, options);
    if (result instanceof RealtimeClient c) {
      c.close();
      return fail("expected the handshake to be refused, but it was upgraded; frames: %s", c.framesNow());
    }
    return (Rejected) result;
  }

  private static Object attempt(Vertx vertx, int port, Options options) {
    WebSocketClientOptions clientOptions = new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 22).setConnectTimeout(10_000);
    if (options.smallReceiveBuffer) {
      clientOptions.setReceiveBufferSize(4096);
    }
    WebSocketClient client = vertx.createWebSocketClient(clientOptions);
    ClientWebSocket ws = client.webSocket();
    RealtimeClient rc = new RealtimeClient(client, ws);
    // Handlers go on before the connection opens, so that no frame (hello first) is missed.
    ws.textMessageHandler(rc::received);
    ws.closeHandler(v -> rc.closeCode.complete(ws.closeStatusCode() == null ? -1 : (int) ws.closeStatusCode()));
    ws.exceptionHandler(e -> {
    });
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/v1/realtime").setAllowOriginHeader(options.origin != null).setTimeout(10_000);
    List<String> protocols = new ArrayList<>();
    protocols.add(SUBPROTOCOL);
    if (options.token != null) {
      if (options.tokenInSubprotocol) {
        protocols.add("bearer." + options.token);
      } else {
        connect.putHeader("Authorization", "Bearer " + options.token);
      }
    }
    protocols.addAll(options.extraSubprotocols);
    connect.setSubProtocols(protocols);
    if (options.origin != null) {
      connect.putHeader("Origin", options.origin);
    }
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    ws.connect(connect).onComplete(ar -> {
      if (ar.succeeded()) {
        rc.handshakeHeaders = ar.result().headers();
        rc.subProtocol = ar.result().subProtocol();
        outcome.complete(rc);
      } else if (ar.cause() instanceof UpgradeRejectedException e) {
        outcome.complete(new Rejected(e.getStatus(), e.getHeaders(), e.getBody() == null ? "" : e.getBody().toString()));
      } else {
        outcome.completeExceptionally(ar.cause());
      }
    });
    try {
      Object result = outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (result instanceof Rejected) {
        client.close();
      }
      return result;
    } catch (ExecutionException e) {
      client.close();
      throw new IllegalStateException("could not connect to the gateway", e.getCause());
    } catch (TimeoutException e) {
      client.close();
      throw new IllegalStateException("no handshake answer within " + WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void received(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      frame = new JsonObject().put("type", "<not json>").put("raw", text);
    }
    inbox.add(frame);
  }

  // ---- sending

  /** Sends one frame and waits until it is written. */
  void send(JsonObject frame) {
    sendText(frame.encode());
  }

  /** Sends any text, valid JSON or not. */
  void sendText(String text) {
    try {
      ws.writeTextMessage(text).toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not write a frame (closed with " + closeCode.getNow(null) + ")", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("a frame was not written within " + WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** @return a fresh frame id, unique in this JVM */
  static String newId(String prefix) {
    return prefix + IDS.incrementAndGet();
  }

  /** Sends {@code send} and waits for its ack (failing on an error frame). */
  JsonObject sendMessage(String channelId, String clientId, String body) {
    String id = newId("s");
    JsonObject frame = new JsonObject().put("type", "send").put("id", id).put("channelId", channelId).put("body", body);
    if (clientId != null) {
      frame.put("clientId", clientId);
    }
    send(frame);
    return answer(id, "ack");
  }

  /** Waits for the answer to the frame with {@code id}; fails the test when it is an error or another type. */
  JsonObject answer(String id, String expectedType) {
    JsonObject a = await(f -> id.equals(f.getString("id")), WAIT);
    if (!expectedType.equals(a.getString("type"))) {
      fail("expected %s for frame %s, got %s; frames: %s", expectedType, id, a, framesNow());
    }
    return a;
  }

  /** Round trip: ping, wait for its pong. Everything sent before it was processed by the server. */
  JsonObject ping() {
    String id = newId("k");
    send(new JsonObject().put("type", "ping").put("id", id));
    return answer(id, "pong");
  }

  /** Waits for {@code hello}, sends an empty {@code resume} (go live at once) and a ping. */
  JsonObject live() {
    JsonObject hello = hello();
    send(new JsonObject().put("type", "resume").put("id", newId("r")).put("channels", new JsonObject()));
    ping();
    return hello;
  }

  JsonObject hello() {
    return await(f -> "hello".equals(f.getString("type")), WAIT);
  }

  // ---- receiving

  private void drain() {
    List<JsonObject> batch = new ArrayList<>();
    inbox.drainTo(batch);
    seen.addAll(batch);
  }

  /**
   * @return the first frame received since the connection opened that matches, waiting for it
   *     up to {@code timeout}; fails the test, listing the frames seen, when none comes
   */
  synchronized JsonObject await(Predicate<JsonObject> match, Duration timeout) {
    return find(match, 0, timeout, false);
  }

  /** Like {@link #await} but only among frames after the previous {@code next} match; moves past the match. */
  synchronized JsonObject next(Predicate<JsonObject> match) {
    return find(match, cursor, WAIT, true);
  }

  private JsonObject find(Predicate<JsonObject> match, int from, Duration timeout, boolean advance) {
    long deadline = System.nanoTime() + timeout.toNanos();
    drain();
    int i = from;
    while (true) {
      for (; i < seen.size(); i++) {
        if (match.test(seen.get(i))) {
          if (advance) {
            cursor = i + 1;
          }
          return seen.get(i);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return fail("no matching frame within %s (closed: %s); frames seen: %s", timeout, closeCode.getNow(null),
            describe(seen));
      }
      try {
        JsonObject f = inbox.poll(left, TimeUnit.NANOSECONDS);
        if (f != null) {
          seen.add(f);
          drain();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static String describe(List<JsonObject> frames) {
    int n = frames.size();
    List<JsonObject> shown = n > 60 ? frames.subList(n - 60, n) : frames;
    return (n > 60 ? "(" + n + " frames, the last 60) " : "") + shown;
  }

  /** @return every frame received so far, in arrival order */
  synchronized List<JsonObject> framesNow() {
    drain();
    return List.copyOf(seen);
  }

  /** @return the frames received so far that match */
  List<JsonObject> frames(Predicate<JsonObject> match) {
    return framesNow().stream().filter(match).toList();
  }

  /** @return the {@code event} payloads received so far about this channel (channel and personal events), in arrival order */
  List<JsonObject> events(String channelId) {
    return framesNow().stream().filter(f -> "event".equals(f.getString("type"))).map(f -> f.getJsonObject("event"))
        .filter(e -> e != null && channelId.equals(e.getString("channelId"))).toList();
  }

  /** @return the channel's stream events received so far (those with a seq, not mentions or read marks) */
  List<JsonObject> channelEvents(String channelId) {
    return events(channelId).stream().filter(RealtimeClient::isStreamEvent).toList();
  }

  /** @return the seqs of {@link #channelEvents}, in arrival order */
  List<Long> seqs(String channelId) {
    return channelEvents(channelId).stream().map(e -> e.getLong("seq")).toList();
  }

  /** @return the id of the message an event carries ({@code message.id}) */
  static String messageIdOf(JsonObject event) {
    JsonObject m = event.getJsonObject("message");
    return m == null ? null : m.getString("id");
  }

  static boolean isStreamEvent(JsonObject e) {
    String type = e.getString("type");
    return e.getValue("seq") != null && !"mention".equals(type) && !"read_state.updated".equals(type);
  }

  /** Waits until at least {@code n} stream events of the channel arrived; @return all of them so far */
  List<JsonObject> awaitEvents(String channelId, int n) {
    awaitUntil(frames -> channelEvents(frames, channelId).size() >= n, n + " events of " + channelId);
    return channelEvents(channelId);
  }

  /** Waits until the channel's stream events hold every one of these seqs; @return all the channel's stream seqs */
  List<Long> awaitSeqs(String channelId, Collection<Long> seqs) {
    awaitUntil(frames -> channelEvents(frames, channelId).stream().map(e -> e.getLong("seq")).toList().containsAll(seqs),
        "events with seqs " + seqs + " in " + channelId);
    return seqs(channelId);
  }

  /**
   * Waits until the frames received so far satisfy {@code condition}; fails the test, listing
   * them, when they do not within {@link #WAIT}. @return the frames then
   */
  synchronized List<JsonObject> awaitUntil(Predicate<List<JsonObject>> condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    drain();
    while (!condition.test(seen)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return fail("not within %s: %s (closed: %s); frames seen: %s", WAIT, what, closeCode.getNow(null), describe(seen));
      }
      try {
        JsonObject f = inbox.poll(left, TimeUnit.NANOSECONDS);
        if (f != null) {
          seen.add(f);
          drain();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return List.copyOf(seen);
  }

  static List<JsonObject> channelEvents(List<JsonObject> frames, String channelId) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject f : frames) {
      JsonObject e = "event".equals(f.getString("type")) ? f.getJsonObject("event") : null;
      if (e != null && channelId.equals(e.getString("channelId")) && isStreamEvent(e)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Waits for the first event of the channel that matches; @return its payload */
  JsonObject awaitEvent(String channelId, Predicate<JsonObject> match) {
    JsonObject frame = await(f -> "event".equals(f.getString("type")) && f.getJsonObject("event") != null
        && channelId.equals(f.getJsonObject("event").getString("channelId")) && match.test(f.getJsonObject("event")), WAIT);
    return frame.getJsonObject("event");
  }

  /** Waits for the channel's {@code message.created} event of the message with this body. */
  JsonObject awaitMessage(String channelId, String body) {
    return awaitEvent(channelId, e -> "message.created".equals(e.getString("type")) && e.getJsonObject("message") != null
        && body.equals(e.getJsonObject("message").getString("body")));
  }

  /** Waits until the channel's stream events include {@code seq}. */
  void awaitSeq(String channelId, long seq) {
    await(f -> "event".equals(f.getString("type")) && f.getJsonObject("event") != null
        && channelId.equals(f.getJsonObject("event").getString("channelId")) && isStreamEvent(f.getJsonObject("event"))
        && f.getJsonObject("event").getLong("seq") >= seq, WAIT);
  }

  // ---- the connection

  /** @return completes with the close code once the connection is closed (-1 when there was none) */
  CompletableFuture<Integer> closeCode() {
    return closeCode;
  }

  /** Waits for the server to close the connection; @return the close code */
  int awaitClose() {
    try {
      return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail("the connection was not closed within %s; frames seen: %s", WAIT, describe(framesNow()));
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  boolean isClosed() {
    return closeCode.isDone();
  }

  /** Stops reading from the socket, so the server's outbound buffer fills up. */
  void pause() {
    ws.pause();
  }

  /** Reads from the socket again after {@link #pause()}. */
  void resumeReading() {
    ws.resume();
  }

  /** @return the response headers of the upgrade */
  MultiMap handshakeHeaders() {
    return handshakeHeaders;
  }

  /** @return the subprotocol the server selected (null if none) */
  String subProtocol() {
    return subProtocol;
  }

  /** Closes the connection normally and waits until it is closed. */
  @Override
  public void close() {
    if (!closeCode.isDone()) {
      try {
        ws.close((short) 1000).toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        // closing is best effort; the client below goes anyway
      }
    }
    client.close();
  }

  /** Runs something with every frame received so far (for debugging a failing test). */
  void dump(Consumer<String> out) {
    framesNow().forEach(f -> out.accept(Objects.toString(f)));
  }
}
