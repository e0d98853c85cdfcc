package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.cluster.InternalRoutes;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.seam.ChatFeed;
import org.ultrachat.platform.seam.ChatLink;
import org.ultrachat.platform.search.BlindIndex;
import org.ultrachat.platform.service.NodePlan;
import org.ultrachat.platform.service.ServiceContext;
import org.ultrachat.platform.service.ServiceModule;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Dialect;

/**
 * The chat service through the service contract: channels, messages, reactions, read state and
 * search over REST, the {@link ChatLink} the real-time gateway uses and the durable {@link ChatFeed}
 * of its committed events; on PostgreSQL it keeps
 * the message partitions. It needs a {@link UserDirectory} (the auth service, here or on another
 * node). Everything else in this module is package-private.
 */
public final class ChatModule implements ServiceModule {
  public static final String NAME = "chat";
  private static final Logger LOG = LoggerFactory.getLogger(ChatModule.class);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Setting> settings() {
    return ChatSettings.ALL;
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public List<String> publicPaths() {
    return List.of("/v1/channels", "/v1/channels/*", "/v1/search");
  }

  @Override
  public void check(NodePlan plan) {
    if (plan.runs(NAME) && !plan.runs("auth") && !plan.reaches("auth")) {
      throw new ConfigException("the chat service needs the auth service on the same node, or upstream-auth");
    }
    if (plan.reaches(NAME)) {
      if (!plan.runs("gateway") || plan.runs(NAME)) {
        throw new ConfigException("upstream-chat is for a node that runs the gateway (or, for auth, chat) without the "
            + "chat service");
      }
      if (plan.config().optional(NodeSettings.REDIS_URL).isEmpty()) {
        throw new ConfigException("upstream-chat needs " + NodeSettings.REDIS_URL.key()
            + ": chat events reach this node's WebSockets through the cluster bus");
      }
    }
  }

  @Override
  public Future<? extends ServiceModule.Running> start(ServiceContext context) {
    Vertx vertx = context.vertx();
    Config config = context.config();
    Database db = context.database();
    int shards = db.dialect() == Dialect.SQLITE ? 1 : config.integer(ChatSettings.STORE_WRITE_SHARDS);
    if (shards < 1 || shards > 64) {
      throw new ConfigException(ChatSettings.STORE_WRITE_SHARDS.key() + " must be between 1 and 64");
    }
    UserDirectory directory = context.capabilities().require(UserDirectory.class, "the chat service looks users up");
    BlindIndex index = BlindIndex.create(context.masterKey());
    ChatStore store = new ChatStore(db);
    ChatCache cache = new ChatCache(vertx, context.bus(), context.caches());
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
    Messaging messaging = new Messaging(store, context.protection(), config.string(ChatSettings.ENCRYPTION).equals("on"),
        terms, directory, context.bus(), new MessageWriters(vertx, db, shards, context.registry()), cache);
    Streams streams = new Streams(new StreamStore(db), store, cache, messaging);
    Feed feed = new Feed(new FeedStore(db), streams);
    Started running = new Started(new ChatApi(new Conversations(store, directory, context.bus(), cache), messaging),
        streams, feed);
    context.capabilities().provide(ChatLink.class, streams);
    context.capabilities().provide(ChatFeed.class, feed);
    if (db.dialect() != Dialect.POSTGRESQL) {
      return Future.succeededFuture(running);
    }
    // Message partitions exist before anything serves; the job then runs every 6 h.
    PartitionMaintenance partitions = new PartitionMaintenance(db.writer(), Clock.systemUTC());
    vertx.setPeriodic(PartitionMaintenance.INTERVAL.toMillis(), id -> logged(partitions.run()));
    return logged(partitions.run()).map(v -> running);
  }

  /** A gateway without chat here sends, checks and catches up through a chat node's internal routes. */
  @Override
  public Optional<Remote> remote() {
    return Optional.of((context, origin) -> {
      context.capabilities().provide(ChatLink.class,
          new RemoteChatLink(context.vertx(), origin, context.secret().orElseThrow()));
      context.capabilities().provide(ChatFeed.class,
          new RemoteChatFeed(context.vertx(), origin, context.secret().orElseThrow()));
    });
  }

  /**
   * A failed run is logged and tried again at the next one; it never stops the node (messages of
   * a month without a partition wait in the default partition).
   */
  private static Future<Void> logged(Future<List<String>> run) {
    return run.<Void>mapEmpty().otherwise(failure -> {
      LOG.atWarn().setCause(failure).log("message partition maintenance failed; it runs again in "
          + PartitionMaintenance.INTERVAL.toHours() + " h");
      return null;
    });
  }

  /** The chat service running on this node. */
  private static final class Started implements ServiceModule.Running {
    private final ChatApi api;
    private final ChatLink streams;
    private final ChatFeed feed;

    Started(ChatApi api, ChatLink streams, ChatFeed feed) {
      this.api = api;
      this.streams = streams;
      this.feed = feed;
    }

    @Override
    public List<ApiRoutes.Mount> routes() {
      return List.of(api);
    }

    @Override
    public void internalRoutes(InternalRoutes routes) {
      ChatInternalApi.routes(routes, streams, feed);
    }
  }
}
