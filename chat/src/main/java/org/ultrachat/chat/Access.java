package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;
import java.util.function.Supplier;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.ProblemException;

/**
 * Who may see and do what in a channel. Private channels and DMs do not exist for non-members
 * (404, so their names and ids leak nothing); public channels can be read by anyone signed in,
 * and written by members only.
 */
final class Access {
  private Access() {
  }

  /** A channel the caller may read, and their membership if any. */
  record Readable(Channel channel, Optional<Member> member) {
  }

  static Future<Readable> readable(ChatStore store, SqlClient client, Caller caller, String channelId) {
    return decide(caller, store.channel(client, channelId), () -> store.member(client, channelId, caller.userId()));
  }

  /** The same decision inside a write transaction, with the channel row locked first (see {@link ChatStore#lockChannel}). */
  static Future<Readable> forWrite(ChatStore store, SqlClient conn, Caller caller, String channelId) {
    return store.lockChannelWithMember(conn, channelId, caller.userId()).compose(found -> decide(caller,
        Future.succeededFuture(found.map(ChatStore.ChannelMember::channel)),
        () -> Future.succeededFuture(found.flatMap(ChatStore.ChannelMember::member))));
  }

  /** The same decision for reads, from the cache (writes decide inside their transaction instead). */
  static Future<Readable> readableCached(ChatStore store, ChatCache cache, Caller caller, String channelId) {
    SqlClient reader = store.database().reader();
    return decide(caller, cache.channel(channelId, () -> store.channel(reader, channelId)),
        () -> cache.member(channelId, caller.userId(), () -> store.member(reader, channelId, caller.userId())));
  }

  private static Future<Readable> decide(Caller caller, Future<Optional<Channel>> channelLookup,
                                         Supplier<Future<Optional<Member>>> memberLookup) {
    return channelLookup.compose(channel -> {
      if (channel.isEmpty()) {
        return Future.failedFuture(new ProblemException.NotFound("no such channel"));
      }
      return memberLookup.get().compose(me -> {
        if (me.isEmpty() && !openTo(caller, channel.get())) {
          return Future.failedFuture(new ProblemException.NotFound("no such channel"));
        }
        return Future.succeededFuture(new Readable(channel.get(), me));
      });
    });
  }

  /** Public channels are open to every signed-in user except guests, who see only what they are invited to. */
  static boolean openTo(Caller caller, Channel channel) {
    return channel.kind() == Channel.Kind.PUBLIC && !"guest".equals(caller.role());
  }

  static void requireMember(Optional<Member> me) {
    if (me.isEmpty()) {
      throw new ProblemException.Forbidden("only members can do this; join the channel first");
    }
  }
}
