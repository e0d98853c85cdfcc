package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.crypto.Binding;
import org.ultrachat.platform.crypto.DataProtection;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.store.Ids;

/**
 * Messages: post (idempotent per sender and client id), edit (history kept), delete (tombstone
 * without body, history or search terms), threads, reactions, pins, read state, history and
 * search. Bodies are sealed with the data-protection service, bound to their message, unless
 * encryption is off; search terms come from the blind index either way.
 */
final class Messaging {
  private static final Pattern MENTION = Pattern.compile("(?<![\\w@])@([a-z0-9][a-z0-9._-]{1,31})", Pattern.CASE_INSENSITIVE);
  static final String CHANNEL_MENTION = "@channel";

  /** Runs a message write of a channel in a transaction: a group-commit writer, or a plain transaction. */
  interface Writer {
    <T> Future<T> write(String channelId, Function<SqlConnection, Future<T>> work);
  }

  private final ChatStore store;
  private final DataProtection protection;
  private final boolean encrypt;
  private final SearchTerms search;
  private final UserDirectory directory;
  private final Bus bus;
  private final Writer writer;
  private final ChatCache cache;

  Messaging(ChatStore store, DataProtection protection, boolean encrypt, SearchTerms search, UserDirectory directory,
            Bus bus, Writer writer, ChatCache cache) {
    this.cache = cache;
    this.store = store;
    this.protection = protection;
    this.encrypt = encrypt;
    this.search = search;
    this.directory = directory;
    this.bus = bus;
    this.writer = writer;
  }

  /** A post's answer: the message, and whether it was already stored by an earlier try with the same client id. */
  record Posted(Message message, boolean duplicate) {
  }

  // ---- posting

  Future<Posted> post(Caller caller, String channelId, String body, Optional<String> clientId, Optional<String> threadRootId) {
    Limits.body(body);
    return mentions(body).compose(mentioned -> writer.<Posted>write(channelId, conn -> {
      String id = Ids.newId();
      if (clientId.isEmpty()) {
        return store(conn, id, caller, channelId, body, threadRootId, mentioned);
      }
      // Claimed first, so that a first try costs no read. A claim the checks or the store then fail
      // is rolled back with the rest of this write.
      return store.claimClientId(conn, caller.userId(), clientId.get(), id, channelId).compose(claimed -> claimed
          ? store(conn, id, caller, channelId, body, threadRootId, mentioned)
          : store.messageForClientId(conn, caller.userId(), clientId.get()).compose(earlier -> earlier.isPresent()
              ? existing(conn, channelId, earlier.get())
              // Not expected: claims are never deleted, and a claim that met another transaction's
              // waited for it to commit, so this read sees it.
              : Future.failedFuture(new ProblemException.Conflict("a message with this client id is being stored; retry"))));
    }).map(posted -> {
      if (!posted.duplicate()) {
        published(posted.message(), mentioned);
      }
      return posted;
    }));
  }

  private Future<Posted> existing(SqlConnection conn, String channelId, String messageId) {
    return store.message(conn, messageId).compose(stored -> {
      Message earlier = open(stored.orElseThrow());
      if (!earlier.channelId().equals(channelId)) {
        return Future.failedFuture(new ProblemException.Conflict("this client id was used for a message in another channel"));
      }
      return store.reactionCounts(conn, messageId).map(counts -> new Posted(earlier.withReactions(counts), true));
    });
  }

  private Future<Posted> store(SqlConnection conn, String id, Caller caller, String channelId, String body,
                               Optional<String> threadRootId, List<String> mentioned) {
    return writable(conn, caller, channelId).compose(channel -> threadRoot(conn, channelId, threadRootId)).compose(root ->
        countMentions(conn, channelId, caller.userId(), mentioned).compose(members -> {
          // Its seq is taken as it is stored.
          Message draft = new Message(id, channelId, 0, caller.userId(), threadRootId, Optional.of(body), members, 0,
              Optional.empty(), 0, Optional.empty(), Optional.empty(), Optional.empty(),
              Instant.ofEpochMilli(Ids.timeOf(id)), Map.of());
          return store.insertNewMessage(conn, draft, seal(body, id), encrypt, search.ofDocument(body), created(draft))
              .compose(message -> root.map(r -> store.countReply(conn, r)).orElse(Future.succeededFuture())
                  .map(v -> new Posted(message, false)));
        }));
  }

  /**
   * Counts the mentions for the members they name.
   *
   * @return the mentions that stand: members only (a non-member named in a private channel
   *     learns nothing of it), or {@code @channel}
   */
  private Future<List<String>> countMentions(SqlConnection conn, String channelId, String senderId,
                                             List<String> mentioned) {
    if (mentioned.contains(CHANNEL_MENTION)) {
      return store.countChannelMention(conn, channelId, senderId).map(v -> List.of(CHANNEL_MENTION));
    }
    List<String> others = mentioned.stream().filter(userId -> !userId.equals(senderId)).toList();
    return store.countMentions(conn, channelId, others)
        .map(members -> others.stream().filter(members::contains).toList());
  }

  /** @return the user ids mentioned as {@code @username}, or {@code @channel}; unknown names are plain text */
  private Future<List<String>> mentions(String body) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = MENTION.matcher(body);
    while (m.find() && names.size() < Limits.MAX_MENTIONS) {
      names.add(m.group(1).toLowerCase(Locale.ROOT));
    }
    if (names.remove("channel") || names.remove("here") || names.remove("everyone")) {
      return Future.succeededFuture(List.of(CHANNEL_MENTION));
    }
    if (names.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return directory.byUsernames(names).map(found -> found.values().stream().map(UserDirectory.UserInfo::id).toList());
  }

  /** The {@code message.created} event of a new message, as stored and as published. */
  private static ChatEvent created(Message message) {
    JsonObject payload = new JsonObject().put("messageId", message.id());
    message.threadRootId().ifPresent(r -> payload.put("threadRootId", r));
    return new ChatEvent(message.channelId(), message.seq(), "message.created", message.senderId(), payload);
  }

  private void published(Message message, List<String> mentioned) {
    cache.messagesChanged(message.channelId());
    // The stored event's own shape, so that live and replayed events look alike.
    bus.publish(Bus.channelTopic(message.channelId()), created(message).toJson().put("message", message.toJson()));
    for (String userId : message.mentions()) {
      if (!CHANNEL_MENTION.equals(userId) && !userId.equals(message.senderId())) {
        bus.publish(Bus.userTopic(userId), new JsonObject().put("type", "mention").put("channelId", message.channelId())
            .put("messageId", message.id()).put("seq", message.seq()));
      }
    }
  }

  // ---- changing messages

  Future<Message> edit(Caller caller, String channelId, String messageId, String body) {
    Limits.body(body);
    return mentions(body).compose(mentioned -> writer.<Change>write(channelId, conn -> writable(conn, caller, channelId)
        .compose(channel -> liveMessage(conn, channelId, messageId)).compose(stored -> {
          Message old = stored.message();
          if (!old.senderId().equals(caller.userId())) {
            return Future.failedFuture(new ProblemException.Forbidden("only the sender edits a message"));
          }
          String previous = stored.message().body().orElseThrow();
          int version = old.editCount() + 1;
          String plainBefore = openBody(previous, stored.sealed(), old.id());
          return store.insertEdit(conn, old.id(), version, sealEdit(plainBefore, old.id(), version), encrypt)
              .compose(v -> store.editBody(conn, old, seal(body, old.id()), encrypt, mentioned))
              .compose(v -> store.replaceTerms(conn, old.id(), old.createdAt(), search.ofDocument(body)))
              .compose(v -> Changes.record(store, conn, channelId, "message.updated", caller.userId(),
                  new JsonObject().put("messageId", old.id())))
              .compose(e -> reload(conn, old.id()).map(m -> new Change(m, e)));
        }))).map(this::publish);
  }

  Future<Message> delete(Caller caller, String channelId, String messageId) {
    return writer.<Change>write(channelId, conn -> Access.forWrite(store, conn, caller, channelId).compose(readable -> {
      Access.requireMember(readable.member());
      return liveMessage(conn, channelId, messageId).compose(stored -> {
        Message m = stored.message();
        if (!m.senderId().equals(caller.userId()) && !readable.member().get().manages()) {
          return Future.failedFuture(new ProblemException.Forbidden("only the sender or a channel admin deletes a message"));
        }
        return store.tombstone(conn, m)
            .compose(v -> m.threadRootId().map(root -> store.uncountReply(conn, root)).orElse(Future.succeededFuture()))
            .compose(v -> Changes.record(store, conn, channelId, "message.deleted", caller.userId(),
                new JsonObject().put("messageId", m.id())))
            .compose(e -> reload(conn, m.id()).map(x -> new Change(x, e)));
      });
    })).map(this::publish);
  }

  Future<Message> react(Caller caller, String channelId, String messageId, String emoji, boolean add) {
    Limits.emoji(emoji);
    return writer.<Change>write(channelId, conn -> writable(conn, caller, channelId).compose(c -> liveMessage(conn, channelId, messageId))
        .compose(stored -> store.react(conn, channelId, messageId, caller.userId(), emoji, add).compose(changed -> {
          if (!changed) {
            return reload(conn, messageId).map(m -> new Change(m, null));
          }
          return Changes.record(store, conn, channelId, add ? "reaction.added" : "reaction.removed", caller.userId(),
                  new JsonObject().put("messageId", messageId).put("emoji", emoji).put("userId", caller.userId()))
              .compose(e -> reload(conn, messageId).map(m -> new Change(m, e)));
        }))).map(this::publish);
  }

  Future<Message> pin(Caller caller, String channelId, String messageId, boolean pin) {
    return writer.<Change>write(channelId, conn -> writable(conn, caller, channelId).compose(c -> liveMessage(conn, channelId, messageId))
        .compose(stored -> {
          if (stored.message().pinnedAt().isPresent() == pin) {
            return reload(conn, messageId).map(m -> new Change(m, null));
          }
          return store.setPin(conn, stored.message(), pin ? Optional.of(caller.userId()) : Optional.empty())
              .compose(v -> Changes.record(store, conn, channelId, pin ? "message.pinned" : "message.unpinned",
                  caller.userId(), new JsonObject().put("messageId", messageId)))
              .compose(e -> reload(conn, messageId).map(m -> new Change(m, e)));
        })).map(this::publish);
  }

  /** A changed message and the event it recorded (none when nothing changed). */
  private record Change(Message message, ChatEvent event) {
  }

  private Message publish(Change change) {
    if (change.event() != null) {
      cache.messagesChanged(change.event().channelId());
      bus.publish(Bus.channelTopic(change.event().channelId()), change.event().toJson().put("message", change.message().toJson()));
    }
    return change.message();
  }

  // ---- read state

  Future<Void> markRead(Caller caller, String channelId, long seq) {
    return store.database().writer().withTransaction(conn -> Access.readable(store, conn, caller, channelId)
        .compose(readable -> {
          Access.requireMember(readable.member());
          if (seq < 0 || seq > readable.channel().lastSeq()) {
            return Future.failedFuture(new ProblemException.BadInput("'seq' must be between 0 and the channel's last seq "
                + readable.channel().lastSeq()));
          }
          return store.markRead(conn, channelId, caller.userId(), seq);
        })).onSuccess(moved -> {
          if (moved) {
            bus.publish(Bus.userTopic(caller.userId()), new JsonObject().put("type", "read_state.updated")
                .put("channelId", channelId).put("lastReadSeq", seq));
          }
        }).mapEmpty();
  }

  // ---- reading

  /** Channel history, oldest first: before a seq, after a seq, or around one. */
  Future<List<Message>> history(Caller caller, String channelId, Optional<Long> before, Optional<Long> after,
                                Optional<Long> around, int limit) {
    return Access.readableCached(store, cache, caller, channelId).compose(readable -> {
      Future<List<ChatStore.Stored>> page;
      if (around.isPresent()) {
        int half = Math.max(1, limit / 2);
        page = Future.all(store.history(channelId, true, around.get() + 1, limit - half),
            store.history(channelId, false, around.get(), half)).map(both -> {
              List<ChatStore.Stored> all = new ArrayList<>(both.<List<ChatStore.Stored>>resultAt(0));
              all.addAll(both.<List<ChatStore.Stored>>resultAt(1));
              return all;
            });
      } else if (after.isPresent()) {
        page = store.history(channelId, false, after.get(), limit);
      } else if (before.isEmpty() && !store.database().hasReplica()) {
        // The newest page is what opening a channel asks for: serve it from the cache.
        return cache.recentMessages(channelId, () -> store.history(channelId, true, Long.MAX_VALUE, Limits.MAX_PAGE)
            .compose(this::withReactions)).map(all -> all.subList(Math.max(0, all.size() - limit), all.size()));
      } else {
        page = store.history(channelId, true, before.orElse(Long.MAX_VALUE), limit);
      }
      return page.compose(this::withReactions);
    });
  }

  Future<List<Message>> thread(Caller caller, String channelId, String rootId, long after, int limit) {
    return Access.readableCached(store, cache, caller, channelId)
        .compose(r -> store.message(store.database().reader(), rootId)).compose(root -> {
          if (root.isEmpty() || !root.get().message().channelId().equals(channelId)) {
            return Future.failedFuture(new ProblemException.NotFound("no such message"));
          }
          Future<List<ChatStore.Stored>> replies = store.thread(rootId, after, limit);
          return replies.map(list -> {
            List<ChatStore.Stored> all = new ArrayList<>();
            if (after == 0) {
              all.add(root.get());
            }
            all.addAll(list);
            return all;
          }).compose(this::withReactions);
        });
  }

  Future<List<Message>> pins(Caller caller, String channelId) {
    return Access.readableCached(store, cache, caller, channelId)
        .compose(r -> store.pins(channelId)).compose(this::withReactions);
  }

  /** The earlier bodies of a message, oldest first, visible to whoever may read the channel. */
  Future<List<JsonObject>> edits(Caller caller, String channelId, String messageId) {
    return Access.readableCached(store, cache, caller, channelId)
        .compose(r -> liveMessage(store.database().reader(), channelId, messageId))
        .compose(m -> store.edits(messageId)).map(edits -> edits.stream().map(e -> new JsonObject()
            .put("version", e.version())
            .put("body", e.sealed() ? protection.openText(e.body(), editBinding(messageId, e.version())) : e.body())
            .put("replacedAt", e.replacedAt().toString())).toList());
  }

  /** Messages in the caller's channels holding every searchable word of the query, newest first. */
  Future<List<Message>> search(Caller caller, String query, Optional<String> before, int limit) {
    List<String> terms = search.ofQuery(query);
    if (terms.isEmpty()) {
      return Future.failedFuture(new ProblemException.BadInput("the query has no searchable word"));
    }
    return store.search(caller.userId(), terms, before, limit).compose(this::withReactions);
  }

  // ---- helpers

  private Future<Channel> writable(SqlConnection conn, Caller caller, String channelId) {
    return Access.forWrite(store, conn, caller, channelId).compose(readable -> {
      Access.requireMember(readable.member());
      if (readable.channel().archived()) {
        return Future.failedFuture(new ProblemException.Conflict("the channel is archived"));
      }
      return Future.succeededFuture(readable.channel());
    });
  }

  private Future<Optional<Message>> threadRoot(SqlConnection conn, String channelId, Optional<String> rootId) {
    if (rootId.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return liveMessage(conn, channelId, rootId.get()).compose(root -> root.message().threadRootId().isPresent()
        ? Future.failedFuture(new ProblemException.BadInput("replies go to the thread's root message"))
        : Future.succeededFuture(Optional.of(root.message())));
  }

  private Future<ChatStore.Stored> liveMessage(SqlClient client, String channelId, String messageId) {
    return store.message(client, messageId).compose(found -> {
      if (found.isEmpty() || !found.get().message().channelId().equals(channelId)) {
        return Future.failedFuture(new ProblemException.NotFound("no such message"));
      }
      if (found.get().message().deletedAt().isPresent()) {
        return Future.failedFuture(new ProblemException.Conflict("the message was deleted"));
      }
      return Future.succeededFuture(found.get());
    });
  }

  /** @return the messages as they are now, read from the primary with their reactions in two statements, by id */
  Future<Map<String, Message>> current(List<String> messageIds) {
    return store.messages(store.database().reader(), messageIds)
        .compose(stored -> withReactions(List.copyOf(stored.values())))
        .map(opened -> opened.stream().collect(Collectors.toMap(Message::id, m -> m)));
  }

  private Future<Message> reload(SqlConnection conn, String messageId) {
    return store.message(conn, messageId).compose(stored -> store.reactionCounts(conn, messageId)
        .map(counts -> open(stored.orElseThrow()).withReactions(counts)));
  }

  /** @return the page in seq order, opened, with the reaction counts of all its messages read in one statement */
  private Future<List<Message>> withReactions(List<ChatStore.Stored> page) {
    List<ChatStore.Stored> sorted = page.stream().sorted(Comparator.comparingLong(s -> s.message().seq())).toList();
    return store.reactionCounts(store.database().reader(), sorted.stream().map(s -> s.message().id()).toList())
        .map(counts -> sorted.stream().map(s -> open(s).withReactions(counts.getOrDefault(s.message().id(), Map.of())))
            .toList());
  }

  private Message open(ChatStore.Stored stored) {
    Message m = stored.message();
    Optional<String> body = m.body().map(b -> openBody(b, stored.sealed(), m.id()));
    return new Message(m.id(), m.channelId(), m.seq(), m.senderId(), m.threadRootId(), body, m.mentions(), m.replyCount(),
        m.lastReplyAt(), m.editCount(), m.editedAt(), m.deletedAt(), m.pinnedAt(), m.createdAt(), m.reactions());
  }

  private String openBody(String stored, boolean sealed, String messageId) {
    return sealed ? protection.openText(stored, bodyBinding(messageId)) : stored;
  }

  private String seal(String body, String messageId) {
    return encrypt ? protection.sealText(body, bodyBinding(messageId)) : body;
  }

  private String sealEdit(String body, String messageId, int version) {
    return encrypt ? protection.sealText(body, editBinding(messageId, version)) : body;
  }

  static Binding bodyBinding(String messageId) {
    return new Binding("messages", "body", messageId);
  }

  static Binding editBinding(String messageId, int version) {
    return new Binding("message_edits", "body", messageId + "/" + version);
  }
}
