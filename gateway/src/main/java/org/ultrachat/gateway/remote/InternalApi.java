package org.ultrachat.gateway.remote;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.ultrachat.gateway.realtime.ChatLink;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.ProblemException;

/**
 * The routes one node calls on another, under {@code /internal/v1/}: what a gateway-only node's
 * WebSockets need from the auth and chat services running elsewhere ({@link RemoteAuthenticator},
 * {@link RemoteChatLink}), and what a chat-only node needs from auth ({@link RemoteAuthenticator},
 * {@link RemoteUserDirectory}). Every call carries the cluster secret; the caller it names is taken as
 * authenticated, since only a node that checked the user's token holds the secret. Nodes without
 * the secret configured do not serve these routes at all.
 */
public final class InternalApi {
  static final String AUTHENTICATE = "/internal/v1/authenticate";
  static final String USER_BY_ID = "/internal/v1/users/by-id";
  static final String USERS_BY_NAME = "/internal/v1/users/by-usernames";
  /** The most usernames one lookup takes (a message's mentions are far fewer). */
  static final int MAX_USERNAMES = 1_000;
  static final String MEMBER_CHANNELS = "/internal/v1/chat/member-channels";
  static final String READABLE = "/internal/v1/chat/readable";
  static final String MEMBER = "/internal/v1/chat/member";
  static final String SEND = "/internal/v1/chat/send";
  static final String EVENTS = "/internal/v1/chat/events";
  static final String LAST_SEQ = "/internal/v1/chat/last-seq";
  /** The most events one call returns, whatever the caller asks. */
  static final int MAX_EVENTS = 5_000;

  private InternalApi() {
  }

  /** @return the internal routes of the services this node runs */
  public static ApiRoutes.Mount routes(ClusterSecret secret, Optional<Authenticator> auth, Optional<UserDirectory> users,
                                       Optional<ChatLink> chat) {
    return api -> {
      Handler<RoutingContext> guard = ctx -> {
        if (secret.matches(ctx.request().getHeader("Authorization"))) {
          ctx.next();
        } else {
          ctx.fail(new ProblemException.Unauthorized("internal routes need the cluster secret"));
        }
      };
      auth.ifPresent(a -> post(api, guard, AUTHENTICATE, body -> {
        JsonArray forget = body.getJsonArray("forget", new JsonArray());
        // The credentials change that made the asking node re-check may not have reached this one yet.
        forget.forEach(change -> {
          if (change instanceof JsonObject c) {
            a.forget(c);
          }
        });
        return a.authenticateToken(text(body, "token")).map(InternalApi::callerJson);
      }));
      users.ifPresent(d -> {
        post(api, guard, USER_BY_ID, body -> d.byId(text(body, "userId"))
            .map(user -> new JsonObject().put("user", user.map(InternalApi::userJson).orElse(null))));
        post(api, guard, USERS_BY_NAME, body -> {
          JsonArray names = body.getValue("usernames") instanceof JsonArray a ? a : null;
          if (names == null || names.size() > MAX_USERNAMES) {
            throw new ProblemException.BadInput("'usernames' must be an array of at most " + MAX_USERNAMES);
          }
          List<String> list = new ArrayList<>();
          names.forEach(n -> list.add(String.valueOf(n)));
          return d.byUsernames(list).map(found -> {
            JsonObject out = new JsonObject();
            found.forEach((name, user) -> out.put(name, userJson(user)));
            return new JsonObject().put("users", out);
          });
        });
      });
      chat.ifPresent(c -> {
        post(api, guard, MEMBER_CHANNELS, body -> c.memberChannels(text(body, "userId"))
            .map(ids -> new JsonObject().put("channels", new JsonArray(ids))));
        post(api, guard, READABLE, body -> c.readable(caller(body), text(body, "channelId")).map(v -> new JsonObject()));
        post(api, guard, MEMBER, body -> c.member(caller(body), text(body, "channelId")).map(v -> new JsonObject()));
        post(api, guard, SEND, body -> c.send(caller(body), text(body, "channelId"), text(body, "body"),
            text(body, "clientId"), Optional.ofNullable(body.getString("threadRootId"))));
        post(api, guard, EVENTS, body -> c.events(text(body, "channelId"), number(body, "afterSeq"),
                (int) Math.min(MAX_EVENTS, Math.max(1, number(body, "limit"))))
            .map(events -> new JsonObject().put("events", new JsonArray(events))));
        post(api, guard, LAST_SEQ, body -> c.lastSeq(text(body, "channelId")).map(seq -> new JsonObject().put("seq", seq)));
      });
    };
  }

  private static void post(ApiRoutes api, Handler<RoutingContext> guard, String path,
                           Function<JsonObject, Future<JsonObject>> work) {
    api.publicRoute(HttpMethod.POST, path, guard).handler(ctx -> {
      JsonObject body;
      try {
        body = bodyOf(ctx);
        work.apply(body).onSuccess(answer -> ctx.response().putHeader("Content-Type", "application/json")
            .end(answer.toBuffer())).onFailure(ctx::fail);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }

  private static JsonObject bodyOf(RoutingContext ctx) {
    try {
      if (ctx.body() != null && ctx.body().length() > 0 && ctx.body().buffer().toJsonValue() instanceof JsonObject o) {
        return o;
      }
    } catch (io.vertx.core.json.DecodeException e) {
      // answered below
    }
    throw new ProblemException.BadInput("the body must be a JSON object");
  }

  static JsonObject userJson(UserDirectory.UserInfo user) {
    return user.toJson().put("role", user.role()).put("disabled", user.disabled());
  }

  static UserDirectory.UserInfo userInfo(JsonObject json) {
    return new UserDirectory.UserInfo(text(json, "id"), text(json, "username"), json.getString("displayName", ""),
        text(json, "role"), json.getBoolean("disabled", false));
  }

  static JsonObject callerJson(Caller caller) {
    return new JsonObject().put("userId", caller.userId()).put("role", caller.role())
        .put("sessionId", caller.sessionId().orElse(null)).put("scopes", new JsonArray(caller.scopes().stream().sorted().toList()));
  }

  static Caller caller(JsonObject json) {
    JsonObject c = json.getValue("caller") instanceof JsonObject o ? o : null;
    if (c == null) {
      throw new ProblemException.BadInput("'caller' must be an object");
    }
    Set<String> scopes = new HashSet<>();
    JsonArray given = c.getValue("scopes") instanceof JsonArray a ? a : new JsonArray();
    given.forEach(s -> scopes.add(String.valueOf(s)));
    return new Caller(text(c, "userId"), text(c, "role"), Optional.ofNullable(c.getString("sessionId")), scopes);
  }

  private static String text(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof String s) || s.isEmpty()) {
      throw new ProblemException.BadInput("'" + field + "' must be a non-empty string");
    }
    return s;
  }

  private static long number(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof Number n)) {
      throw new ProblemException.BadInput("'" + field + "' must be a number");
    }
    return n.longValue();
  }
}
