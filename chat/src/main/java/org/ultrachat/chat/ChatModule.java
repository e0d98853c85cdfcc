package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.ultrachat.platform.cache.Caches;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import org.ultrachat.platform.http.Authenticator.Caller;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.crypto.DataProtection;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.search.BlindIndex;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Dialect;

/**
 * The chat service as the node sees it: its routes, and on PostgreSQL the upkeep of the message
 * partitions. Everything else in this module is package-private.
 */
public final class ChatModule {
  /** The route patterns this service owns; a gateway without it passes these on to a node with it. */
  public static final java.util.List<String> PATHS = java.util.List.of("/v1/channels", "/v1/channels/*", "/v1/search");
  private static final Logger LOG = LoggerFactory.getLogger(ChatModule.class);

  private final ChatApi api;
  private final Streams streams;
  private final Optional<PartitionMaintenance> partitions;

  private ChatModule(ChatApi api, Streams streams, Optional<PartitionMaintenance> partitions) {
    this.api = api;
    this.streams = streams;
    this.partitions = partitions;
  }

  /**
   * A writer for message changes: the group-commit writers in production, or a plain transaction.
   * Changes of one channel must always go to the same writer (they lock the channel's row).
   */
  @FunctionalInterface
  public interface TransactionRunner {
    <T> Future<T> run(String channelId, Function<SqlConnection, Future<T>> work);
  }

  /**
   * Wires the chat service.
   *
   * @param encrypt whether message bodies are sealed at rest ({@code chat-encryption})
   * @param writes  where message changes commit (group commit)
   */
  public static ChatModule create(Vertx vertx, Database db, DataProtection protection, boolean encrypt, BlindIndex index,
                                  UserDirectory directory, Bus bus, TransactionRunner writes, Caches caches) {
    ChatStore store = new ChatStore(db);
    ChatCache cache = new ChatCache(vertx, bus, caches);
    SearchTerms terms = new SearchTerms() {
      @Override
      public List<String> ofDocument(String text) {
        return index.documentTokens(text);
      }

      @Override
      public List<String> ofQuery(String query) {
        return index.queryTokens(query);
      }
    };
    Messaging.Writer writer = new Messaging.Writer() {
      @Override
      public <T> Future<T> write(String channelId, Function<SqlConnection, Future<T>> work) {
        return writes.run(channelId, work);
      }
    };
    Messaging messaging = new Messaging(store, protection, encrypt, terms, directory, bus, writer, cache);
    Optional<PartitionMaintenance> partitions = db.dialect() == Dialect.POSTGRESQL
        ? Optional.of(new PartitionMaintenance(db.writer(), Clock.systemUTC())) : Optional.empty();
    return new ChatModule(new ChatApi(new Conversations(store, directory, bus, cache), messaging),
        new Streams(new StreamStore(db), store, cache, messaging), partitions);
  }

  /**
   * Creates the monthly message partitions that are missing (this month and the next three, and
   * the months of rows waiting in the default partition, which move there). Safe to run from
   * several nodes at once.
   *
   * @return done, or failed when a partition could not be made
   * @throws IllegalStateException when the store is not PostgreSQL (only it partitions messages)
   */
  public Future<Void> maintainPartitions() {
    return partitions().run().mapEmpty();
  }

  /**
   * Runs {@link #maintainPartitions()} now and then every six hours on a Vert.x timer, until
   * Vert.x closes. A failed run is logged and tried again at the next one; it never stops the node
   * (messages of a month without a partition wait in the default partition).
   *
   * @return the first run, which never fails: await it before serving
   * @throws IllegalStateException when the store is not PostgreSQL
   */
  public Future<Void> scheduleMaintenance(Vertx vertx) {
    PartitionMaintenance job = partitions();
    vertx.setPeriodic(PartitionMaintenance.INTERVAL.toMillis(), id -> logged(job.run()));
    return logged(job.run());
  }

  private static Future<Void> logged(Future<List<String>> run) {
    return run.<Void>mapEmpty().otherwise(failure -> {
      LOG.atWarn().setCause(failure).log("message partition maintenance failed; it runs again in "
          + PartitionMaintenance.INTERVAL.toHours() + " h");
      return null;
    });
  }

  private PartitionMaintenance partitions() {
    return partitions.orElseThrow(() -> new IllegalStateException("messages are partitioned only on PostgreSQL"));
  }

  // ---- what the real-time gateway uses (app adapts these to the gateway's ChatLink)

  /** @return the ids of the channels the user is a member of */
  public Future<List<String>> memberChannels(String userId) {
    return streams.memberChannels(userId);
  }

  /** @return done when the caller may read the channel; failed with a problem (404) otherwise */
  public Future<Void> readable(Caller caller, String channelId) {
    return streams.readable(caller, channelId);
  }

  /** @return done when the caller is a member of the channel; failed with a problem otherwise */
  public Future<Void> member(Caller caller, String channelId) {
    return streams.member(caller, channelId);
  }

  /**
   * Posts a message, idempotent per sender and client id.
   *
   * @return {@code {"message": {...}, "duplicate": bool}} once committed
   */
  public Future<JsonObject> send(Caller caller, String channelId, String body, String clientId,
                                 Optional<String> threadRootId) {
    return streams.send(caller, channelId, body, clientId, threadRootId);
  }

  /** @return up to {@code limit} stored events of the channel after {@code afterSeq}, shaped as on the bus */
  public Future<List<JsonObject>> events(String channelId, long afterSeq, int limit) {
    return streams.events(channelId, afterSeq, limit);
  }

  /** @return the channel's last seq as committed, or -1 when there is no such channel */
  public Future<Long> lastSeq(String channelId) {
    return streams.lastSeq(channelId);
  }

  /** @return the routes to mount at the edge */
  public ApiRoutes.Mount routes() {
    return api;
  }
}
