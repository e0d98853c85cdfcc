package org.ultrachat.platform.seam;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Chat's committed events across every channel, in one order that never changes: a consumer
 * that must not miss an event (an outbox of deliveries, tasks reacting to deleted messages, files
 * collecting orphans) keeps the cursor of the last event it handled in its own tables and asks
 * for what came after. An event is in the feed once its transaction committed, and never appears
 * before an event that committed earlier but was written later; pub/sub only wakes consumers.
 * The chat module provides it in-process and, on a node without chat, over chat's internal routes.
 */
public interface ChatFeed {
  /** The cursor before the first event. */
  String START = "0:0";
  /** The most events one page holds, whatever the caller asks. */
  int MAX_PAGE = 1_000;

  /**
   * @param cursor where this event is in the feed: pass it to {@link #after} to read what follows
   * @param event  the event as the bus carries it ({@code type}, {@code channelId}, {@code seq}, …;
   *               a message event with the message's current state)
   */
  record Event(String cursor, JsonObject event) {
    public Event {
      Objects.requireNonNull(cursor, "cursor");
      Objects.requireNonNull(event, "event");
    }

    /** @return the event's kind ({@code message.created}) */
    public String kind() {
      return event.getString("type");
    }
  }

  /**
   * @param events the events after the cursor asked for, of the kinds asked for, in feed order
   * @param next   the cursor to ask with next time: past every event returned and every event of
   *               other kinds skipped, so a filtered consumer does not read the same rows again
   */
  record Page(List<Event> events, String next) {
    public Page {
      events = List.copyOf(events);
      Objects.requireNonNull(next, "next");
    }
  }

  /**
   * @param cursor {@link #START}, or a cursor this feed returned
   * @param kinds  the kinds wanted ({@code message.created}, {@code message.deleted}); empty for all
   * @param limit  the most events to return, at most {@link #MAX_PAGE}
   * @return the committed events after {@code cursor}; failed with a bad-input problem for a
   *     cursor this feed did not make
   */
  Future<Page> after(String cursor, Set<String> kinds, int limit);

  /** @return the cursor past every event committed so far: where a new consumer that wants only what comes next starts */
  Future<String> head();
}
