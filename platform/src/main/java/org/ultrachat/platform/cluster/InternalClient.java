package org.ultrachat.platform.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import org.ultrachat.platform.http.ProblemException;

/**
 * Calls the internal routes of the node that runs a service ({@link InternalRoutes}), with the
 * cluster secret. A problem the remote node answered comes back as the same kind of
 * {@link ProblemException}; a node that cannot be reached, or answers nonsense, is a 503.
 */
public final class InternalClient {
  private static final long TIMEOUT_MS = 10_000;
  private final HttpClient http;
  private final Context context;
  private final URI upstream;
  private final ClusterSecret secret;
  private final String service;

  public InternalClient(Vertx vertx, String service, URI upstream, ClusterSecret secret) {
    this.service = service;
    this.upstream = upstream;
    this.secret = secret;
    this.context = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setSsl("https".equals(upstream.getScheme())), new PoolOptions().setHttp1MaxSize(32));
  }

  /** POSTs a JSON body to an internal route. @return the JSON answer, or an empty object for 204 */
  public Future<JsonObject> call(String path, JsonObject body) {
    if (Vertx.currentContext() != null) {
      return send(path, body);
    }
    // Off a Vert.x thread (a test, a CLI), the response could arrive before the chain below is
    // attached and its body be gone unread, leaving the call waiting for ever: run it on a context.
    Promise<JsonObject> answer = Promise.promise();
    context.runOnContext(v -> send(path, body).onComplete(answer));
    return answer.future();
  }

  private Future<JsonObject> send(String path, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(upstream.resolve(path).toString())
        .putHeader("Authorization", secret.header())
        .putHeader("Content-Type", "application/json")
        .setConnectTimeout(TIMEOUT_MS).setTimeout(TIMEOUT_MS);
    return http.request(options)
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(bytes -> answer(response.statusCode(), bytes)))
        .recover(failure -> Future.failedFuture(failure instanceof ProblemException ? failure
            : new ProblemException.Unavailable("the " + service + " service cannot be reached; retry shortly")));
  }

  private JsonObject answer(int status, Buffer bytes) {
    JsonObject json;
    try {
      json = bytes.length() == 0 ? new JsonObject() : new JsonObject(bytes);
    } catch (DecodeException e) {
      throw new ProblemException.Unavailable("the " + service + " service answered something other than JSON");
    }
    if (status < 400) {
      return json;
    }
    throw problem(status, json.getString("detail", "the " + service + " service refused the request"));
  }

  /** The same problem as the remote node raised, so frames and documents read alike on every node. */
  private ProblemException problem(int status, String detail) {
    return switch (status) {
      case 400 -> new ProblemException.BadInput(detail);
      case 401 -> new ProblemException.Unauthorized(detail);
      case 403 -> new ProblemException.Forbidden(detail);
      case 404 -> new ProblemException.NotFound(detail);
      case 409 -> new ProblemException.Conflict(detail);
      case 429 -> new ProblemException.TooManyRequests(detail, 1);
      case 503 -> new ProblemException.Unavailable(detail);
      default -> status >= 400 && status < 600 ? new ProblemException(status, "remote", "The request failed", detail)
          : new ProblemException.Unavailable("the " + service + " service answered status " + status);
    };
  }
}
