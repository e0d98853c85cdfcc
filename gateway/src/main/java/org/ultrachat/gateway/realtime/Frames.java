package org.ultrachat.gateway.realtime;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.store.Database;

/**
 * Reading client frames and writing server frames (docs/protocol.md). A client frame is checked
 * completely before anything acts on it; a bad one becomes a {@link Refused} and, on the wire, an
 * {@code error} frame.
 */
final class Frames {
  /** The gateway's own client frame types; service modules add theirs through {@code FrameTypes}. */
  static final Set<String> CLIENT_TYPES = Set.of("resume", "send", "subscribe", "unsubscribe", "typing", "presence",
      "presence.subscribe", "ping", "auth");
  static final int MAX_ID = 64;
  /** The metric label of frames refused before they were read (over the rate limit or the size cap). */
  static final String UNREAD = "unread";
  static final int MAX_CHANNEL_ID = 64;

  private Frames() {
  }

  /** A client frame refused before it changed anything. */
  static final class Refused extends RuntimeException {
    final String code;
    final int status;

    Refused(String code, int status, String detail) {
      super(detail, null, false, false);
      this.code = code;
      this.status = status;
    }

    static Refused badFrame(String detail) {
      return new Refused("bad_frame", 400, detail);
    }

    static Refused badInput(String detail) {
      return new Refused("bad_input", 400, detail);
    }
  }

  /** @return the frame as a JSON object with one of the gateway's own types */
  static JsonObject parse(String text, int maxBytes) {
    return parse(text, maxBytes, CLIENT_TYPES::contains);
  }

  /** @return the frame as a JSON object with a known type: the gateway's own, or one {@code known} adds */
  static JsonObject parse(String text, int maxBytes, Predicate<String> known) {
    // A Java string is at most 3 bytes of UTF-8 per char: only count bytes when it could be over.
    if (text.length() > maxBytes || (text.length() * 3L > maxBytes && utf8Length(text) > maxBytes)) {
      throw new Refused("too_large", 413, "frames are at most " + maxBytes + " bytes");
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw Refused.badFrame("a frame is one JSON object");
    }
    Object type = frame.getValue("type");
    if (!(type instanceof String t)) {
      throw Refused.badFrame("'type' is missing");
    }
    if (!CLIENT_TYPES.contains(t) && !known.test(t)) {
      throw new Refused("unknown_type", 400, "unknown frame type; see docs/protocol.md");
    }
    Object id = frame.getValue("id");
    if (id != null && (!(id instanceof String s) || s.isEmpty() || s.length() > MAX_ID)) {
      throw Refused.badFrame("'id' must be a string of 1 to " + MAX_ID + " characters");
    }
    return frame;
  }

  /** @return the frame's {@code id}, when the text is a JSON object with a valid one (for refusals) */
  static Optional<String> idOf(String text) {
    try {
      Object id = new JsonObject(text).getValue("id");
      return id instanceof String s && !s.isEmpty() && s.length() <= MAX_ID ? Optional.of(s) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** @return the type for metrics: one of the gateway's client types, or "invalid" */
  static String typeOf(String text) {
    return typeOf(text, CLIENT_TYPES::contains);
  }

  /** @return the type for metrics: a known client type, or "invalid" (labels stay few whatever clients send) */
  static String typeOf(String text, Predicate<String> known) {
    try {
      String t = new JsonObject(text).getString("type");
      return t != null && (CLIENT_TYPES.contains(t) || known.test(t)) ? t : "invalid";
    } catch (RuntimeException e) {
      return "invalid";
    }
  }

  static String string(JsonObject frame, String key, int max) {
    return optionalString(frame, key, max).orElseThrow(() -> Refused.badInput("'" + key + "' is required"));
  }

  static Optional<String> optionalString(JsonObject frame, String key, int max) {
    Object v = frame.getValue(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s) || s.isEmpty() || s.length() > max) {
      throw Refused.badInput("'" + key + "' must be a string of 1 to " + max + " characters");
    }
    return Optional.of(s);
  }

  static long seq(Object v, String what) {
    if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
      throw Refused.badInput(what + " must be a whole number of at least 0");
    }
    return n.longValue();
  }

  // ---- server frames

  static String event(JsonObject busEvent) {
    return new JsonObject().put("type", "event").put("event", busEvent).encode();
  }

  static JsonObject reply(String type, Optional<String> id) {
    JsonObject frame = new JsonObject().put("type", type);
    id.ifPresent(i -> frame.put("id", i));
    return frame;
  }

  static JsonObject error(Optional<String> id, String code, int status, String detail) {
    return reply("error", id).put("code", code).put("status", status).put("detail", detail);
  }

  /** @return the error frame for a failure of a frame's work */
  static JsonObject error(Optional<String> id, Throwable failure) {
    if (failure instanceof Refused r) {
      return error(id, r.code, r.status, r.getMessage());
    }
    if (Database.isUnavailable(failure)) {
      return error(id, "unavailable", 503, Database.isBusy(failure)
          ? "the server is busy; retry shortly" : "the store cannot be reached; retry shortly");
    }
    if (failure instanceof ProblemException p) {
      JsonObject frame = error(id, codeOf(p.status()), p.status(), p.detail());
      if (p instanceof ProblemException.TooManyRequests t) {
        frame.put("retryAfterMs", t.retryAfterSeconds() * 1000);
      }
      return frame;
    }
    return error(id, "internal", 500, "the server failed; the request may be retried");
  }

  static String codeOf(int status) {
    return switch (status) {
      case 400, 422 -> "bad_input";
      case 401, 403 -> "forbidden";
      case 404 -> "not_found";
      case 409 -> "conflict";
      case 413 -> "too_large";
      case 429 -> "rate_limited";
      case 503 -> "unavailable";
      default -> "internal";
    };
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
