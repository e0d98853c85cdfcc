package org.ultrachat.gateway.realtime;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.service.FrameTypes;

/** A client frame of a type a service module handles, as its handler sees it. */
final class ModuleFrame implements FrameTypes.Frame {
  private final Hub hub;
  private final Connection connection;
  private final Optional<String> id;
  private final JsonObject body;

  ModuleFrame(Hub hub, Connection connection, Optional<String> id, JsonObject body) {
    this.hub = hub;
    this.connection = connection;
    this.id = id;
    this.body = body;
  }

  @Override
  public Optional<String> id() {
    return id;
  }

  @Override
  public JsonObject body() {
    return body;
  }

  @Override
  public Caller caller() {
    return connection.caller;
  }

  @Override
  public void reply(String type, JsonObject fields) {
    JsonObject frame = fields.copy();
    frame.mergeIn(Frames.reply(type, id));
    // A connection is only touched on its hub's loop; a handler may answer from anywhere.
    if (Thread.currentThread() == hub.loop) {
      connection.send(frame);
    } else {
      hub.context.runOnContext(v -> connection.send(frame));
    }
  }
}
