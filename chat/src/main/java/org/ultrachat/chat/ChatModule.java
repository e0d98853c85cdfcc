package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.ultrachat.platform.cache.Caches;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.function.Function;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.crypto.DataProtection;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.search.BlindIndex;
import org.ultrachat.platform.store.Database;

/** The chat service as the node sees it: its routes. Everything else in this module is package-private. */
public final class ChatModule {
  private final ChatApi api;

  private ChatModule(ChatApi api) {
    this.api = api;
  }

  /**
   * A writer for message changes: the group-commit writer in production, or a plain transaction.
   */
  @FunctionalInterface
  public interface TransactionRunner {
    <T> Future<T> run(Function<SqlConnection, Future<T>> work);
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
      public <T> Future<T> write(Function<SqlConnection, Future<T>> work) {
        return writes.run(work);
      }
    };
    Messaging messaging = new Messaging(store, protection, encrypt, terms, directory, bus, writer, cache);
    return new ChatModule(new ChatApi(new Conversations(store, directory, bus, cache), messaging));
  }

  /** @return the routes to mount at the edge */
  public ApiRoutes.Mount routes() {
    return api;
  }
}
