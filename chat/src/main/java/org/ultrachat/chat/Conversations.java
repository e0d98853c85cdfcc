package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Ids;

/**
 * Channels and their members: create (public, private, direct, group), list, join, leave,
 * invite, remove, change roles, archive. Every change takes the channel's next seq and is
 * published on the bus after it commits.
 */
final class Conversations {
  private final ChatStore store;
  private final UserDirectory directory;
  private final Bus bus;
  private final ChatCache cache;

  Conversations(ChatStore store, UserDirectory directory, Bus bus, ChatCache cache) {
    this.cache = cache;
    this.store = store;
    this.directory = directory;
    this.bus = bus;
  }

  Future<Channel> create(Caller caller, Channel.Kind kind, String name, String topic) {
    if (kind != Channel.Kind.PUBLIC && kind != Channel.Kind.PRIVATE) {
      throw new ProblemException.BadInput("'kind' must be public or private (use /v1/channels/direct or /group for DMs)");
    }
    refuseGuests(caller);
    String checkedName = Limits.channelName(name);
    Channel channel = new Channel(Ids.newId(), kind, Optional.of(checkedName), topic, caller.userId(), Instant.now(),
        Optional.empty(), 0);
    return createWithMembers(caller, channel, Optional.empty(), List.of())
        .recover(e -> Future.failedFuture(Database.isUniqueViolation(e)
            ? new ProblemException.Conflict("a channel named '" + checkedName + "' exists") : e));
  }

  /** @return the one direct channel of the caller and the other user, created on first use */
  Future<Channel> direct(Caller caller, String otherUserId) {
    refuseGuests(caller);
    if (otherUserId.equals(caller.userId())) {
      throw new ProblemException.BadInput("a direct message needs another user");
    }
    String a = caller.userId().compareTo(otherUserId) < 0 ? caller.userId() : otherUserId;
    String dmKey = a + ":" + (a.equals(caller.userId()) ? otherUserId : caller.userId());
    return requireUsers(List.of(otherUserId)).compose(v -> store.channelByDmKey(store.database().reader(), dmKey))
        .compose(found -> {
          if (found.isPresent()) {
            return Future.succeededFuture(found.get());
          }
          Channel channel = new Channel(Ids.newId(), Channel.Kind.DIRECT, Optional.empty(), "", caller.userId(),
              Instant.now(), Optional.empty(), 0);
          return createWithMembers(caller, channel, Optional.of(dmKey), List.of(otherUserId))
              // Both users opened it at once: the other request created it.
              .recover(e -> Database.isUniqueViolation(e)
                  ? store.channelByDmKey(store.database().writer(), dmKey).map(Optional::orElseThrow)
                  : Future.failedFuture(e));
        });
  }

  Future<Channel> group(Caller caller, List<String> userIds) {
    refuseGuests(caller);
    TreeSet<String> others = new TreeSet<>(userIds);
    others.remove(caller.userId());
    if (others.size() < 2 || others.size() > Limits.MAX_GROUP_MEMBERS - 1) {
      throw new ProblemException.BadInput("a group DM has 3 to " + Limits.MAX_GROUP_MEMBERS + " members, you included");
    }
    Channel channel = new Channel(Ids.newId(), Channel.Kind.GROUP, Optional.empty(), "", caller.userId(), Instant.now(),
        Optional.empty(), 0);
    return requireUsers(List.copyOf(others)).compose(v -> createWithMembers(caller, channel, Optional.empty(),
        List.copyOf(others)));
  }

  private Future<Channel> createWithMembers(Caller caller, Channel channel, Optional<String> dmKey, List<String> others) {
    List<ChatEvent> events = new ArrayList<>();
    return store.database().writer().withTransaction(conn -> store.insertChannel(conn, channel, dmKey)
            .compose(v -> store.insertMember(conn, channel.id(), caller.userId(),
                channel.kind() == Channel.Kind.DIRECT ? Member.Role.MEMBER : Member.Role.OWNER, 0))
            .compose(v -> {
              Future<Void> added = Future.succeededFuture();
              for (String other : others) {
                added = added.compose(x -> store.insertMember(conn, channel.id(), other, Member.Role.MEMBER, 0));
              }
              return added;
            })
            .compose(v -> Changes.record(store, conn, channel.id(), "channel.created", caller.userId(),
                channel.toJson().put("members", new JsonArray(members(caller, others)))))
            .compose(e -> {
              events.add(e);
              return store.channel(conn, channel.id());
            }).map(Optional::orElseThrow))
        .onSuccess(created -> {
          Changes.publish(bus, events);
          members(caller, others).forEach(u -> bus.publish(Bus.userTopic(u), new JsonObject().put("type", "member.added")
              .put("channelId", created.id()).put("userId", u)));
        });
  }

  private static List<String> members(Caller caller, List<String> others) {
    List<String> all = new ArrayList<>(others);
    all.add(0, caller.userId());
    return all;
  }

  Future<List<ChatStore.MyChannel>> mine(Caller caller) {
    return store.myChannels(caller.userId());
  }

  Future<List<Channel>> browse(Caller caller, Optional<String> after, int limit) {
    refuseGuests(caller);
    return store.browsable(after.orElse(""), limit);
  }

  /** @return the channel, if the caller may read it (members; anyone for public channels), read fresh */
  Future<Channel> readable(Caller caller, String channelId) {
    return Access.readable(store, store.database().reader(), caller, channelId).map(Access.Readable::channel);
  }

  Future<List<Member>> members(Caller caller, String channelId) {
    return Access.readableCached(store, cache, caller, channelId).compose(c -> store.members(channelId));
  }

  Future<Member> join(Caller caller, String channelId) {
    refuseGuests(caller);
    return change(caller, channelId, (conn, channel, me) -> {
      if (me.isPresent()) {
        return Future.succeededFuture(new Change<>(me.get(), List.of()));
      }
      if (channel.kind() != Channel.Kind.PUBLIC || channel.archived()) {
        return Future.failedFuture(new ProblemException.Forbidden("only open public channels can be joined; ask to be invited"));
      }
      return addMember(conn, caller, channel, caller.userId(), "member.joined");
    }, true);
  }

  Future<Void> leave(Caller caller, String channelId) {
    return this.<Void>change(caller, channelId, (conn, channel, me) -> {
      if (me.isEmpty()) {
        return Future.failedFuture(new ProblemException.NotFound("you are not a member of this channel"));
      }
      if (channel.kind() == Channel.Kind.DIRECT) {
        return Future.failedFuture(new ProblemException.Forbidden("a direct message cannot be left"));
      }
      return removeMember(conn, caller, channel, caller.userId(), "member.left");
    }, false).mapEmpty();
  }

  Future<Member> invite(Caller caller, String channelId, String userId) {
    return requireUsers(List.of(userId)).compose(v -> change(caller, channelId, (conn, channel, me) -> {
      Access.requireMember(me);
      if (channel.kind() == Channel.Kind.DIRECT) {
        return Future.failedFuture(new ProblemException.Forbidden("a direct message has exactly two members"));
      }
      if (channel.kind() != Channel.Kind.PUBLIC && !me.get().manages()) {
        return Future.failedFuture(new ProblemException.Forbidden("only owners and admins invite to this channel"));
      }
      return store.member(conn, channelId, userId).compose(existing -> existing.isPresent()
          ? Future.succeededFuture(new Change<>(existing.get(), List.<ChatEvent>of()))
          : addMember(conn, caller, channel, userId, "member.added"));
    }, false));
  }

  Future<Void> remove(Caller caller, String channelId, String userId) {
    return this.<Void>change(caller, channelId, (conn, channel, me) -> {
      Access.requireMember(me);
      if (!me.get().manages() || channel.kind() == Channel.Kind.DIRECT) {
        return Future.failedFuture(new ProblemException.Forbidden("only owners and admins remove members"));
      }
      return store.member(conn, channelId, userId).compose(target -> {
        if (target.isEmpty()) {
          return Future.failedFuture(new ProblemException.NotFound("no such member"));
        }
        if (target.get().role() == Member.Role.OWNER && me.get().role() != Member.Role.OWNER) {
          return Future.failedFuture(new ProblemException.Forbidden("only an owner removes an owner"));
        }
        return removeMember(conn, caller, channel, userId, "member.removed");
      });
    }, false).mapEmpty();
  }

  Future<Member> setRole(Caller caller, String channelId, String userId, Member.Role role) {
    return change(caller, channelId, (conn, channel, me) -> {
      Access.requireMember(me);
      if (me.get().role() != Member.Role.OWNER) {
        return Future.failedFuture(new ProblemException.Forbidden("only owners change roles"));
      }
      return store.member(conn, channelId, userId).compose(target -> {
        if (target.isEmpty()) {
          return Future.failedFuture(new ProblemException.NotFound("no such member"));
        }
        return store.setRole(conn, channelId, userId, role)
            .compose(v -> Changes.record(store, conn, channelId, "member.role_changed", caller.userId(),
                new JsonObject().put("userId", userId).put("role", role.value())))
            .map(e -> new Change<>(new Member(channelId, userId, role, target.get().joinedAt(),
                target.get().lastReadSeq(), target.get().mentionCount()), List.of(e)));
      });
    }, false);
  }

  Future<Channel> update(Caller caller, String channelId, Optional<String> topic, Optional<Boolean> archived) {
    return change(caller, channelId, (conn, channel, me) -> {
      Access.requireMember(me);
      if (!me.get().manages()) {
        return Future.failedFuture(new ProblemException.Forbidden("only owners and admins change a channel"));
      }
      Optional<Instant> archivedAt = archived.map(a -> a ? channel.archivedAt().orElse(Instant.now()) : null)
          .or(() -> archived.isPresent() ? Optional.empty() : channel.archivedAt());
      String newTopic = topic.orElse(channel.topic());
      return store.updateChannel(conn, channelId, newTopic, archivedAt)
          .compose(v -> Changes.record(store, conn, channelId, "channel.updated", caller.userId(),
              new JsonObject().put("topic", newTopic).put("archived", archivedAt.isPresent())))
          .compose(e -> store.channel(conn, channelId).map(c -> new Change<>(c.orElseThrow(), List.of(e))));
    }, true);
  }

  private Future<Change<Member>> addMember(SqlConnection conn, Caller caller, Channel channel, String userId, String kind) {
    return store.insertMember(conn, channel.id(), userId, Member.Role.MEMBER, channel.lastSeq())
        .compose(v -> Changes.record(store, conn, channel.id(), kind, caller.userId(), new JsonObject().put("userId", userId)))
        .compose(e -> store.member(conn, channel.id(), userId).map(m -> new Change<>(m.orElseThrow(), List.of(e))));
  }

  private Future<Change<Void>> removeMember(SqlConnection conn, Caller caller, Channel channel, String userId, String kind) {
    return store.deleteMember(conn, channel.id(), userId)
        .compose(v -> Changes.record(store, conn, channel.id(), kind, caller.userId(), new JsonObject().put("userId", userId)))
        .map(e -> new Change<>(null, List.of(e)));
  }

  /** A change's result and the events it recorded, published after commit. */
  record Change<T>(T result, List<ChatEvent> events) {
  }

  @FunctionalInterface
  interface ChangeWork<T> {
    Future<Change<T>> apply(SqlConnection conn, Channel channel, Optional<Member> me);
  }

  /** Runs a change in a transaction with the channel and the caller's membership loaded; publishes after commit. */
  private <T> Future<T> change(Caller caller, String channelId, ChangeWork<T> work, boolean allowArchived) {
    return store.database().writer().withTransaction(conn -> store.lockChannel(conn, channelId).compose(channel -> {
      if (channel.isEmpty()) {
        return Future.failedFuture(new ProblemException.NotFound("no such channel"));
      }
      return store.member(conn, channelId, caller.userId()).compose(me -> {
        if (me.isEmpty() && !Access.openTo(caller, channel.get())) {
          return Future.failedFuture(new ProblemException.NotFound("no such channel"));
        }
        if (channel.get().archived() && !allowArchived) {
          return Future.failedFuture(new ProblemException.Conflict("the channel is archived"));
        }
        return work.apply(conn, channel.get(), me);
      });
    })).map(change -> {
      // Forget what the change made stale before anyone hears of it.
      cache.invalidate(channelId, Optional.empty());
      for (ChatEvent e : change.events()) {
        Optional.ofNullable(e.payload().getString("userId")).ifPresent(u -> cache.invalidate(channelId, Optional.of(u)));
      }
      Changes.publish(bus, change.events());
      for (ChatEvent e : change.events()) {
        String userId = e.payload().getString("userId");
        if (userId != null && e.kind().startsWith("member.")) {
          bus.publish(Bus.userTopic(userId), e.toJson());
        }
      }
      return change.result();
    });
  }

  private Future<Void> requireUsers(List<String> userIds) {
    List<Future<Optional<UserDirectory.UserInfo>>> lookups = userIds.stream().map(directory::byId).toList();
    return Future.all(lookups).compose(done -> {
      for (var f : lookups) {
        if (f.result().isEmpty() || f.result().get().disabled()) {
          return Future.failedFuture(new ProblemException.NotFound("no such user"));
        }
      }
      return Future.succeededFuture();
    });
  }

  private static void refuseGuests(Caller caller) {
    if ("guest".equals(caller.role())) {
      throw new ProblemException.Forbidden("guests take part only in channels they are invited to");
    }
  }
}
