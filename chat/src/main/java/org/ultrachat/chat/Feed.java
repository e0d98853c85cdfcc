package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.seam.ChatFeed;

/** Chat's durable feed in-process: {@link FeedStore}'s positions as cursors, events shaped as on the bus. */
final class Feed implements ChatFeed {
  private static final Pattern CURSOR = Pattern.compile("(\\d{1,18}):(\\d{1,18})");
  static final int MAX_KINDS = 32;
  static final int MAX_KIND = 32;

  private final FeedStore store;
  private final Streams streams;

  Feed(FeedStore store, Streams streams) {
    this.store = store;
    this.streams = streams;
  }

  @Override
  public Future<Page> after(String cursor, Set<String> kinds, int limit) {
    FeedStore.Position from;
    try {
      from = position(cursor);
      check(kinds, limit);
    } catch (ProblemException e) {
      return Future.failedFuture(e);
    }
    return store.after(from, kinds, limit).compose(read -> {
      List<ChatEvent> events = read.events().stream().map(FeedStore.Positioned::event).toList();
      return streams.shaped(events).map(shaped -> {
        List<Event> page = new ArrayList<>(shaped.size());
        for (int i = 0; i < shaped.size(); i++) {
          page.add(new Event(cursor(read.events().get(i).position()), shaped.get(i)));
        }
        FeedStore.Position last = read.events().isEmpty() ? from : read.events().getLast().position();
        // A short page holds every wanted event below the horizon: the next read starts there, past the
        // rows of other kinds, which it would otherwise scan again.
        FeedStore.Position next = page.size() < limit && read.horizon().compareTo(last) > 0 ? read.horizon() : last;
        return new Page(page, cursor(next));
      });
    });
  }

  @Override
  public Future<String> head() {
    return store.head().map(Feed::cursor);
  }

  static String cursor(FeedStore.Position position) {
    return position.tx() + ":" + position.id();
  }

  static FeedStore.Position position(String cursor) {
    Matcher m = cursor == null ? null : CURSOR.matcher(cursor);
    if (m == null || !m.matches()) {
      throw new ProblemException.BadInput("not a feed cursor: start from " + START + " or pass one the feed returned");
    }
    return new FeedStore.Position(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
  }

  private static void check(Set<String> kinds, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new ProblemException.BadInput("limit must be between 1 and " + MAX_PAGE);
    }
    if (kinds.size() > MAX_KINDS || kinds.stream().anyMatch(k -> k.isEmpty() || k.length() > MAX_KIND)) {
      throw new ProblemException.BadInput("at most " + MAX_KINDS + " kinds of at most " + MAX_KIND + " characters");
    }
  }

  /** @return the event as its JSON, for the internal route */
  static JsonObject json(Event event) {
    return new JsonObject().put("cursor", event.cursor()).put("event", event.event());
  }
}
