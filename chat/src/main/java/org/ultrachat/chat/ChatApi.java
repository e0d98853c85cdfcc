package org.ultrachat.chat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.JsonBody;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.http.Replies;

/** The chat service's HTTP routes: thin handlers over {@link Conversations} and {@link Messaging}. */
final class ChatApi implements ApiRoutes.Mount {
  private static final String CHANNEL = "/v1/channels/:channelId";
  private static final String MESSAGE = CHANNEL + "/messages/:messageId";

  private final Conversations conversations;
  private final Messaging messaging;

  ChatApi(Conversations conversations, Messaging messaging) {
    this.conversations = conversations;
    this.messaging = messaging;
  }

  @Override
  public void routes(ApiRoutes api) {
    api.protectedRoute(HttpMethod.GET, "/v1/channels", this::listChannels);
    api.protectedRoute(HttpMethod.POST, "/v1/channels", this::createChannel);
    api.protectedRoute(HttpMethod.POST, "/v1/channels/direct", this::openDirect);
    api.protectedRoute(HttpMethod.POST, "/v1/channels/group", this::openGroup);
    api.protectedRoute(HttpMethod.GET, CHANNEL, this::getChannel);
    api.protectedRoute(HttpMethod.PATCH, CHANNEL, this::updateChannel);
    api.protectedRoute(HttpMethod.POST, CHANNEL + "/join", this::join);
    api.protectedRoute(HttpMethod.POST, CHANNEL + "/leave", this::leave);
    api.protectedRoute(HttpMethod.GET, CHANNEL + "/members", this::members);
    api.protectedRoute(HttpMethod.POST, CHANNEL + "/members", this::invite);
    api.protectedRoute(HttpMethod.DELETE, CHANNEL + "/members/:userId", this::removeMember);
    api.protectedRoute(HttpMethod.PATCH, CHANNEL + "/members/:userId", this::setRole);
    api.protectedRoute(HttpMethod.POST, CHANNEL + "/read", this::markRead);
    api.protectedRoute(HttpMethod.GET, CHANNEL + "/pins", this::pins);
    api.protectedRoute(HttpMethod.GET, CHANNEL + "/messages", this::history);
    api.protectedRoute(HttpMethod.POST, CHANNEL + "/messages", this::post);
    api.protectedRoute(HttpMethod.PATCH, MESSAGE, this::edit);
    api.protectedRoute(HttpMethod.DELETE, MESSAGE, this::delete);
    api.protectedRoute(HttpMethod.GET, MESSAGE + "/edits", this::edits);
    api.protectedRoute(HttpMethod.GET, MESSAGE + "/thread", this::thread);
    api.protectedRoute(HttpMethod.PUT, MESSAGE + "/reactions/:emoji", ctx -> react(ctx, true));
    api.protectedRoute(HttpMethod.DELETE, MESSAGE + "/reactions/:emoji", ctx -> react(ctx, false));
    api.protectedRoute(HttpMethod.PUT, MESSAGE + "/pin", ctx -> pin(ctx, true));
    api.protectedRoute(HttpMethod.DELETE, MESSAGE + "/pin", ctx -> pin(ctx, false));
    api.protectedRoute(HttpMethod.GET, "/v1/search", this::search);
  }

  // ---- channels

  private void listChannels(RoutingContext ctx) {
    String scope = Optional.ofNullable(ctx.request().getParam("scope")).orElse("mine");
    switch (scope) {
      case "mine" -> Replies.json(ctx, 200, conversations.mine(caller(ctx)).map(list -> new JsonObject()
          .put("channels", new JsonArray(list.stream().map(ChatStore.MyChannel::toJson).toList()))));
      case "browse" -> Replies.json(ctx, 200, conversations.browse(caller(ctx), optionalId(ctx, "after"), Replies.limit(ctx, Limits.MAX_PAGE))
          .map(list -> new JsonObject().put("channels", new JsonArray(list.stream().map(Channel::toJson).toList()))));
      default -> throw new ProblemException.BadInput("'scope' must be mine or browse");
    }
  }

  private void createChannel(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    Channel.Kind kind = switch (body.string("kind", 1, 16)) {
      case "public" -> Channel.Kind.PUBLIC;
      case "private" -> Channel.Kind.PRIVATE;
      default -> throw new ProblemException.BadInput("'kind' must be public or private");
    };
    String name = body.string("name", 1, 80);
    String topic = body.optionalString("topic", 0, Limits.MAX_TOPIC_CHARS).orElse("");
    Replies.json(ctx, 201, conversations.create(caller(ctx), kind, name, topic).map(Channel::toJson));
  }

  private void openDirect(RoutingContext ctx) {
    String userId = Replies.id(JsonBody.of(ctx).string("userId", 36, 36), "userId");
    Replies.json(ctx, 200, conversations.direct(caller(ctx), userId).map(Channel::toJson));
  }

  private void openGroup(RoutingContext ctx) {
    List<String> userIds = JsonBody.of(ctx).strings("userIds", 2, Limits.MAX_GROUP_MEMBERS, 36).stream()
        .map(u -> Replies.id(u, "userIds")).toList();
    Replies.json(ctx, 201, conversations.group(caller(ctx), userIds).map(Channel::toJson));
  }

  private void getChannel(RoutingContext ctx) {
    Replies.json(ctx, 200, conversations.readable(caller(ctx), channelId(ctx)).map(Channel::toJson));
  }

  private void updateChannel(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    Optional<String> topic = body.optionalString("topic", 0, Limits.MAX_TOPIC_CHARS);
    Optional<Boolean> archived = body.optionalBoolean("archived");
    if (topic.isEmpty() && archived.isEmpty()) {
      throw new ProblemException.BadInput("send 'topic' and/or 'archived'");
    }
    Replies.json(ctx, 200, conversations.update(caller(ctx), channelId(ctx), topic, archived).map(Channel::toJson));
  }

  private void join(RoutingContext ctx) {
    Replies.json(ctx, 200, conversations.join(caller(ctx), channelId(ctx)).map(Member::toJson));
  }

  private void leave(RoutingContext ctx) {
    Replies.noContent(ctx, conversations.leave(caller(ctx), channelId(ctx)));
  }

  private void members(RoutingContext ctx) {
    Replies.json(ctx, 200, conversations.members(caller(ctx), channelId(ctx)).map(list -> new JsonObject()
        .put("members", new JsonArray(list.stream().map(Member::toJson).toList()))));
  }

  private void invite(RoutingContext ctx) {
    String userId = Replies.id(JsonBody.of(ctx).string("userId", 36, 36), "userId");
    Replies.json(ctx, 200, conversations.invite(caller(ctx), channelId(ctx), userId).map(Member::toJson));
  }

  private void removeMember(RoutingContext ctx) {
    Replies.noContent(ctx, conversations.remove(caller(ctx), channelId(ctx), Replies.id(ctx.pathParam("userId"), "userId")));
  }

  private void setRole(RoutingContext ctx) {
    Member.Role role = switch (JsonBody.of(ctx).string("role", 1, 8)) {
      case "owner" -> Member.Role.OWNER;
      case "admin" -> Member.Role.ADMIN;
      case "member" -> Member.Role.MEMBER;
      default -> throw new ProblemException.BadInput("'role' must be owner, admin or member");
    };
    Replies.json(ctx, 200, conversations.setRole(caller(ctx), channelId(ctx), Replies.id(ctx.pathParam("userId"), "userId"), role)
        .map(Member::toJson));
  }

  private void markRead(RoutingContext ctx) {
    long seq = JsonBody.of(ctx).optionalLong("seq", 0, Long.MAX_VALUE / 2)
        .orElseThrow(() -> new ProblemException.BadInput("'seq' is required"));
    Replies.noContent(ctx, messaging.markRead(caller(ctx), channelId(ctx), seq));
  }

  // ---- messages

  private void history(RoutingContext ctx) {
    Optional<Long> before = seqParam(ctx, "before");
    Optional<Long> after = seqParam(ctx, "after");
    Optional<Long> around = seqParam(ctx, "around");
    if (before.isPresent() && after.isPresent() || around.isPresent() && (before.isPresent() || after.isPresent())) {
      throw new ProblemException.BadInput("give one of 'before', 'after' or 'around'");
    }
    Replies.json(ctx, 200, messaging.history(caller(ctx), channelId(ctx), before, after, around, Replies.limit(ctx, Limits.MAX_PAGE)).map(ChatApi::page));
  }

  private void post(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String text = body.string("body", 1, Limits.MAX_BODY_CHARS);
    Optional<String> clientId = body.optionalString("clientId", 1, 64).map(Limits::clientId);
    Optional<String> root = body.optionalString("threadRootId", 36, 36).map(r -> Replies.id(r, "threadRootId"));
    messaging.post(caller(ctx), channelId(ctx), text, clientId, root)
        .onSuccess(posted -> ctx.response().setStatusCode(posted.duplicate() ? 200 : 201)
            .putHeader("Content-Type", "application/json").end(posted.message().toJson().toBuffer()))
        .onFailure(ctx::fail);
  }

  private void edit(RoutingContext ctx) {
    String text = JsonBody.of(ctx).string("body", 1, Limits.MAX_BODY_CHARS);
    Replies.json(ctx, 200, messaging.edit(caller(ctx), channelId(ctx), messageId(ctx), text).map(Message::toJson));
  }

  private void delete(RoutingContext ctx) {
    Replies.json(ctx, 200, messaging.delete(caller(ctx), channelId(ctx), messageId(ctx)).map(Message::toJson));
  }

  private void edits(RoutingContext ctx) {
    Replies.json(ctx, 200, messaging.edits(caller(ctx), channelId(ctx), messageId(ctx))
        .map(list -> new JsonObject().put("edits", new JsonArray(list))));
  }

  private void thread(RoutingContext ctx) {
    long after = seqParam(ctx, "after").orElse(0L);
    Replies.json(ctx, 200, messaging.thread(caller(ctx), channelId(ctx), messageId(ctx), after, Replies.limit(ctx, Limits.MAX_PAGE)).map(ChatApi::page));
  }

  private void react(RoutingContext ctx, boolean add) {
    String emoji = Limits.emoji(ctx.pathParam("emoji"));
    Replies.json(ctx, 200, messaging.react(caller(ctx), channelId(ctx), messageId(ctx), emoji, add).map(Message::toJson));
  }

  private void pin(RoutingContext ctx, boolean pin) {
    Replies.json(ctx, 200, messaging.pin(caller(ctx), channelId(ctx), messageId(ctx), pin).map(Message::toJson));
  }

  private void pins(RoutingContext ctx) {
    Replies.json(ctx, 200, messaging.pins(caller(ctx), channelId(ctx)).map(ChatApi::page));
  }

  private void search(RoutingContext ctx) {
    String q = Optional.ofNullable(ctx.request().getParam("q")).orElse("");
    if (q.isBlank() || q.length() > 500) {
      throw new ProblemException.BadInput("'q' must be 1 to 500 characters");
    }
    Replies.json(ctx, 200, messaging.search(caller(ctx), q, optionalId(ctx, "before"), Math.min(Replies.limit(ctx, Limits.MAX_PAGE), 50)).map(list -> {
      List<Message> newestFirst = list.stream().sorted((a, b) -> b.id().compareTo(a.id())).toList();
      return new JsonObject().put("messages", new JsonArray(newestFirst.stream().map(Message::toJson).toList()))
          .put("next", newestFirst.isEmpty() ? null : newestFirst.get(newestFirst.size() - 1).id());
    }));
  }

  // ---- helpers

  private static JsonObject page(List<Message> messages) {
    return new JsonObject().put("messages", new JsonArray(messages.stream().map(Message::toJson).toList()));
  }

  private static Caller caller(RoutingContext ctx) {
    return ctx.get(Authenticator.CALLER);
  }

  private static String channelId(RoutingContext ctx) {
    return Replies.id(ctx.pathParam("channelId"), "channelId");
  }

  private static String messageId(RoutingContext ctx) {
    return Replies.id(ctx.pathParam("messageId"), "messageId");
  }


  private static Optional<String> optionalId(RoutingContext ctx, String name) {
    return Optional.ofNullable(ctx.request().getParam(name)).map(v -> Replies.id(v, name));
  }

  private static Optional<Long> seqParam(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return Optional.empty();
    }
    try {
      long seq = Long.parseLong(v);
      if (seq >= 0) {
        return Optional.of(seq);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ProblemException.BadInput("'" + name + "' must be a seq (a whole number, 0 or more)");
  }



}
