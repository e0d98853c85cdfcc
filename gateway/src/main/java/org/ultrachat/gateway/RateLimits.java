package org.ultrachat.gateway;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.ratelimit.ClientAddress;
import org.ultrachat.platform.ratelimit.RateLimiter;
import org.ultrachat.platform.ratelimit.RateLimiter.Decision;

/**
 * Applies the edge's token buckets. Every bucket that applies to a request must allow it; the
 * response reports the tightest of them in the {@code RateLimit-Limit}, {@code -Remaining} and
 * {@code -Reset} headers (IETF draft), and a refusal is a 429 problem with {@code Retry-After}.
 */
final class RateLimits {
  /** Context key holding the tightest {@link Decision} taken for the request so far. */
  static final String DECISION_KEY = "ultrachat.rateLimit";

  private final EdgeLimits limits;

  RateLimits(EdgeLimits limits) {
    this.limits = limits;
  }

  /** Handler for {@code /v1/*}: the per-address bucket of the whole API. */
  void apiByAddress(RoutingContext ctx) {
    byAddress(ctx, limits.apiByAddress(), "too many requests from this address");
  }

  /** Handler for {@code /v1/auth/*}: the stricter per-address bucket of sign-in and registration. */
  void authByAddress(RoutingContext ctx) {
    byAddress(ctx, limits.authByAddress(), "too many sign-in requests from this address");
  }

  /** Runs after the authenticator accepted the caller: the caller's own bucket. */
  void byUser(RoutingContext ctx, Authenticator.Caller caller) {
    limits.apiByUser().acquire(caller.userId())
        .onSuccess(decision -> admit(ctx, decision, "too many requests for this account"))
        .onFailure(ctx::fail);
  }

  private void byAddress(RoutingContext ctx, RateLimiter limiter, String refusal) {
    // The body handler comes later: hold the body back while a limiter that answers later decides.
    ctx.request().pause();
    limiter.acquire(ClientAddress.of(ctx)).onComplete(done -> {
      if (done.failed() || !done.result().allowed()) {
        // Nobody will read this body; let it drain so the connection can serve the next request.
        ctx.request().resume();
      }
      if (done.failed()) {
        ctx.fail(done.cause());
      } else {
        admit(ctx, done.result(), refusal);
      }
    });
  }

  private static void admit(RoutingContext ctx, Decision decision, String refusal) {
    Decision shown = tighter(ctx.get(DECISION_KEY), decision);
    ctx.put(DECISION_KEY, shown);
    MultiMap headers = ctx.response().headers();
    headers.set("RateLimit-Limit", Long.toString(shown.limit()));
    headers.set("RateLimit-Remaining", Long.toString(shown.remaining()));
    headers.set("RateLimit-Reset", Long.toString(shown.resetSeconds()));
    if (decision.allowed()) {
      ctx.next();
    } else {
      ctx.fail(new ProblemException.TooManyRequests(
          refusal + "; retry in " + decision.retryAfterSeconds() + " s", decision.retryAfterSeconds()));
    }
  }

  /** @return the decision closer to refusing: a refusal, else fewer tokens left, else the later reset */
  static Decision tighter(Decision earlier, Decision later) {
    if (earlier == null || !later.allowed()) {
      return later;
    }
    if (!earlier.allowed()) {
      return earlier;
    }
    if (later.remaining() != earlier.remaining()) {
      return later.remaining() < earlier.remaining() ? later : earlier;
    }
    return later.resetSeconds() > earlier.resetSeconds() ? later : earlier;
  }
}
