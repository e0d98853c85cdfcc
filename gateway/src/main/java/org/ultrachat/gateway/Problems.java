package org.ultrachat.gateway;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.store.Database;

/**
 * Turns every failure into an RFC 9457 {@code application/problem+json} answer: thrown
 * {@link ProblemException}s keep their status and detail (a 429 also says {@code Retry-After}),
 * router errors (404, 405, 413) get a document of their own, and anything unexpected becomes a
 * 500 that names the request id and nothing else. Unexpected failures are logged here, once,
 * with their stack trace.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private final long maxBodyBytes;

  Problems(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Failure handler for every route and the router's error handler for unhandled statuses. */
  void handle(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    if (ctx.response().headWritten()) {
      // Part of the body is on the wire already: a problem document can no longer be sent.
      ctx.response().reset();
      return;
    }
    // An edge handler may have paused the request (rate limits): let the unread body drain, or a
    // client still sending it would never read this answer.
    if (!ctx.request().isEnded()) {
      ctx.request().resume();
    }
    write(ctx, toProblem(ctx));
  }

  private ProblemException toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException p) {
      return p;
    }
    if (Database.isUnavailable(failure)) {
      // The store's pool is overloaded (more waiting than it queues, or a wait for a connection that
      // timed out), or the database cannot be reached: not the client's fault and not a bug (503,
      // retry later; nothing was written).
      return new ProblemException.Unavailable(Database.isBusy(failure)
          ? "the server is busy; retry shortly" : "the store cannot be reached; retry shortly");
    }
    if (failure instanceof DecodeException) {
      return new ProblemException.BadInput("the body is not valid JSON");
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String method = ctx.request().method().name();
    return switch (status) {
      case 400 -> new ProblemException.BadInput("the request could not be read");
      case 401 -> new ProblemException.Unauthorized("authentication is required");
      case 403 -> new ProblemException.Forbidden("not allowed");
      case 404 -> new ProblemException.NotFound("no route for " + method + " " + ctx.request().path());
      case 405 -> new ProblemException(405, "method-not-allowed", "Method not allowed",
          method + " is not allowed on " + ctx.request().path());
      case 413 -> new ProblemException(413, "payload-too-large", "Request body too large",
          "the body exceeds the limit of " + maxBodyBytes + " bytes");
      case 415 -> new ProblemException(415, "unsupported-media-type", "Unsupported media type",
          "the body must be application/json");
      default -> internal(ctx, status, failure);
    };
  }

  private static ProblemException internal(RoutingContext ctx, int status, Throwable failure) {
    String id = RequestIds.of(ctx);
    if (status >= 500) {
      LOG.atError().addKeyValue("request_id", id).addKeyValue("path", ctx.request().path())
          .setCause(failure).log("request failed");
      return new ProblemException(status, "internal", "Internal error",
          "the server failed to handle this request; quote request id " + id + " when reporting it");
    }
    return new ProblemException(status, "http-" + status, "Request refused", "the request was refused");
  }

  static void write(RoutingContext ctx, ProblemException p) {
    JsonObject body = new JsonObject()
        .put("type", p.type())
        .put("title", p.title())
        .put("status", p.status())
        .put("detail", p.detail())
        .put("instance", ctx.request().path())
        .put("requestId", RequestIds.of(ctx));
    HttpServerResponse response = ctx.response();
    response.setStatusCode(p.status()).putHeader("Content-Type", CONTENT_TYPE);
    if (p instanceof ProblemException.TooManyRequests tooMany) {
      response.putHeader("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
    }
    if (p.status() == 413 && ctx.request().version() != HttpVersion.HTTP_2) {
      // The rest of an oversized body is not worth reading. (HTTP/2 forbids the header; the stream is reset instead.)
      response.putHeader("Connection", "close");
    }
    response.end(body.toBuffer());
  }
}
