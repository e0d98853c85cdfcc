package org.ultrachat.platform.service;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.ultrachat.platform.http.Authenticator.Caller;

/**
 * The realtime frame types service modules handle, beside the gateway's own ({@code send},
 * {@code resume}, …). A module registers its types when it starts ({@code call.offer} for voice
 * signaling); the gateway hands a client frame of such a type to its handler after the checks
 * every frame passes (size, rate, JSON, id). One registry per node, filled while it starts.
 */
public final class FrameTypes {
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*");

  /** A client frame as a module's handler sees it. */
  public interface Frame {
    /** @return the frame's {@code id}, which a reply or an error carries back */
    Optional<String> id();

    /** @return the whole frame as the client sent it, checked as JSON and for size */
    JsonObject body();

    /** @return who sent it: the connection's current credential */
    Caller caller();

    /** Sends {@code {"type": type, "id": <the frame's id>, ...fields}} on the frame's connection. */
    void reply(String type, JsonObject fields);
  }

  /** Handles one frame type. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @return done once handled; a failure with a problem ({@code ProblemException}) becomes an
     *     {@code error} frame with the frame's id, and anything else a 500 error frame
     */
    Future<Void> handle(Frame frame);
  }

  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
  private final Set<String> reserved = ConcurrentHashMap.newKeySet();

  /**
   * @param type lowercase words joined by dots, prefixed by the module's name by convention
   * @throws IllegalStateException when the type is the gateway's or already registered
   */
  public void register(String type, Handler handler) {
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("a frame type is lowercase words joined by dots: " + type);
    }
    if (reserved.contains(type) || handlers.putIfAbsent(type, handler) != null) {
      throw new IllegalStateException("the frame type " + type + " is handled twice");
    }
  }

  /**
   * Keeps types for the gateway's own frames.
   *
   * @throws IllegalStateException when a module registered one of them
   */
  public void reserve(Set<String> types) {
    for (String type : types) {
      if (handlers.containsKey(type) || !reserved.add(type)) {
        throw new IllegalStateException("the frame type " + type + " is handled twice");
      }
    }
  }

  /** @return the handler of a module's frame type */
  public Optional<Handler> find(String type) {
    return Optional.ofNullable(handlers.get(type));
  }
}
