package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * The server's REST API as the load generator uses it: JSON in, JSON out, a bearer token, from a
 * chosen source address (so that a generator on one machine can stand for clients on many).
 */
final class Api {
  /** An answer other than 2xx, with the problem document's detail. */
  static final class Failed extends RuntimeException {
    final int status;

    Failed(int status, String detail) {
      super(status + " " + detail, null, false, false);
      this.status = status;
    }
  }

  private final HttpClient client;
  private final String host;
  private final int port;

  Api(Vertx vertx, URI target, String localAddress, int poolSize) {
    this.host = target.getHost();
    this.port = target.getPort() > 0 ? target.getPort() : 80;
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true);
    if (localAddress != null) {
      options.setLocalAddress(localAddress);
    }
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(poolSize));
  }

  Future<JsonObject> call(HttpMethod method, String path, JsonObject body, String token) {
    RequestOptions request = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    return client.request(request)
        .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(bytes -> {
          if (resp.statusCode() / 100 != 2) {
            throw new Failed(resp.statusCode(), detail(bytes));
          }
          return bytes.length() == 0 ? new JsonObject() : parse(bytes);
        }));
  }

  Future<JsonObject> get(String path, String token) {
    return call(HttpMethod.GET, path, null, token);
  }

  Future<JsonObject> post(String path, JsonObject body, String token) {
    return call(HttpMethod.POST, path, body, token);
  }

  Future<Void> close() {
    return client.close();
  }

  private static JsonObject parse(Buffer bytes) {
    String text = bytes.toString();
    // Lists come wrapped ({"items": [...]}) or bare; a bare array is wrapped here.
    return text.startsWith("[") ? new JsonObject().put("items", new JsonArray(text)) : new JsonObject(text);
  }

  private static String detail(Buffer bytes) {
    try {
      return new JsonObject(bytes.toString()).getString("detail", bytes.toString());
    } catch (RuntimeException e) {
      return bytes.length() > 200 ? bytes.getString(0, 200) : bytes.toString();
    }
  }
}
