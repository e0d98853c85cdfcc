package org.ultrachat.gateway.remote;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.ultrachat.gateway.realtime.ChatLink;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.JsonBody;
import org.ultrachat.platform.http.Replies;
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
  private static final int ID = 64;
  private static final int TOKEN = 8_192;
  /** Above the real-time frame cap: the chat service applies the message rules itself, as in-process. */
  private static final int MESSAGE = 100_000;
  private static final int MAX_CHANGES = 1_000;
  private static final int MAX_SCOPES = 64;

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
        // The credentials change that made the asking node re-check may not have reached this one yet.
        for (JsonBody change : body.has("forget") ? body.objects("forget", 0, MAX_CHANGES) : List.<JsonBody>of()) {
          JsonObject known = new JsonObject();
          change.optionalString("userId", 1, ID).ifPresent(u -> known.put("userId", u));
          change.optionalString("sessionId", 1, ID).ifPresent(u -> known.put("sessionId", u));
          a.forget(known);
        }
        return a.authenticateToken(body.string("token", 1, TOKEN)).map(InternalApi::callerJson);
      }));
      users.ifPresent(d -> {
        post(api, guard, USER_BY_ID, body -> d.byId(body.string("userId", 1, ID))
            .map(user -> new JsonObject().put("user", user.map(InternalApi::userJson).orElse(null))));
        post(api, guard, USERS_BY_NAME, body -> d.byUsernames(body.strings("usernames", 0, MAX_USERNAMES, ID))
            .map(found -> {
              JsonObject out = new JsonObject();
              found.forEach((name, user) -> out.put(name, userJson(user)));
              return new JsonObject().put("users", out);
            }));
      });
      chat.ifPresent(c -> {
        post(api, guard, MEMBER_CHANNELS, body -> c.memberChannels(body.string("userId", 1, ID))
            .map(ids -> new JsonObject().put("channels", new JsonArray(ids))));
        post(api, guard, READABLE, body -> c.readable(caller(body), body.string("channelId", 1, ID))
            .map(v -> new JsonObject()));
        post(api, guard, MEMBER, body -> c.member(caller(body), body.string("channelId", 1, ID)).map(v -> new JsonObject()));
        post(api, guard, SEND, body -> c.send(caller(body), body.string("channelId", 1, ID),
            body.verbatim("body", MESSAGE), body.string("clientId", 1, ID), body.optionalString("threadRootId", 1, ID)));
        post(api, guard, EVENTS, body -> c.events(body.string("channelId", 1, ID),
                body.optionalLong("afterSeq", 0, Long.MAX_VALUE).orElse(0L),
                body.optionalLong("limit", 1, MAX_EVENTS).orElse((long) MAX_EVENTS).intValue())
            .map(events -> new JsonObject().put("events", new JsonArray(events))));
        post(api, guard, LAST_SEQ, body -> c.lastSeq(body.string("channelId", 1, ID))
            .map(seq -> new JsonObject().put("seq", seq)));
      });
    };
  }

  private static void post(ApiRoutes api, Handler<RoutingContext> guard, String path,
                           Function<JsonBody, Future<JsonObject>> work) {
    api.publicRoute(HttpMethod.POST, path, guard).handler(ctx -> Replies.json(ctx, 200, work.apply(JsonBody.of(ctx))));
  }

  static JsonObject userJson(UserDirectory.UserInfo user) {
    return user.toJson().put("role", user.role()).put("disabled", user.disabled());
  }

  static UserDirectory.UserInfo userInfo(JsonObject json) {
    JsonBody user = JsonBody.wrap(json);
    return new UserDirectory.UserInfo(user.string("id", 1, ID), user.string("username", 1, ID),
        user.optionalString("displayName", 0, TOKEN).orElse(""), user.string("role", 1, ID),
        user.optionalBoolean("disabled").orElse(false));
  }

  static JsonObject callerJson(Caller caller) {
    return new JsonObject().put("userId", caller.userId()).put("role", caller.role())
        .put("sessionId", caller.sessionId().orElse(null)).put("scopes", new JsonArray(caller.scopes().stream().sorted().toList()));
  }

  /** @return the caller a request names in its {@code caller} object */
  static Caller caller(JsonBody body) {
    JsonBody c = body.object("caller");
    return new Caller(c.string("userId", 1, ID), c.string("role", 1, ID), c.optionalString("sessionId", 1, ID),
        Set.copyOf(c.strings("scopes", 0, MAX_SCOPES, ID)));
  }
}
