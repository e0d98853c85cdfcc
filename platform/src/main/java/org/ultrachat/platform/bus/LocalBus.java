package org.ultrachat.platform.bus;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * The embedded mode's bus: the Vert.x event bus of this process, local delivery only. Events
 * are JSON objects; each subscriber gets its own copy, so nobody can change what others see.
 */
public final class LocalBus implements Bus {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final String PREFIX = "ultrachat.";

  private final Vertx vertx;

  public LocalBus(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void publish(String topic, JsonObject event) {
    vertx.eventBus().publish(PREFIX + topic, event, LOCAL);
  }

  @Override
  public Subscription subscribe(String topic, Handler<JsonObject> handler) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(PREFIX + topic, m -> handler.handle(m.body()));
    return consumer::unregister;
  }
}
