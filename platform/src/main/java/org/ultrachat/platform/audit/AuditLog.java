package org.ultrachat.platform.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Ids;

/**
 * The audit log of security events, stored in the database. Services record an event in the
 * same transaction as the change it describes where there is one, so the log and the state
 * cannot disagree. Details must never hold a secret (password, token, key).
 */
public final class AuditLog {
  private static final String INSERT = "INSERT INTO audit_events (id, at, action, outcome, actor_id, subject, ip, detail) "
      + "VALUES (#{id}, #{at}, #{action}, #{outcome}, #{actorId}, #{subject}, #{ip}, #{detail})";
  private static final String PAGE = "SELECT id, at, action, outcome, actor_id, subject, ip, detail FROM audit_events "
      + "WHERE id < #{before} ORDER BY id DESC LIMIT #{limit}";
  private static final String PAGE_BY_ACTION = "SELECT id, at, action, outcome, actor_id, subject, ip, detail "
      + "FROM audit_events WHERE action = #{action} AND id < #{before} ORDER BY id DESC LIMIT #{limit}";
  /** Sorts after every UUIDv7. */
  private static final String END = "g";

  private final Database db;

  public AuditLog(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** How an attempt ended. */
  public enum Outcome { SUCCESS, FAILURE, DENIED }

  /**
   * One security event.
   *
   * @param action  dotted name, e.g. {@code auth.login}
   * @param actorId the user who acted, when known
   * @param subject what was acted on (user id, session id, key id, or the username tried)
   * @param ip      the client address
   * @param detail  non-secret context
   */
  public record Event(String action, Outcome outcome, Optional<String> actorId, Optional<String> subject, String ip,
                      JsonObject detail) {
    public Event {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(actorId, "actorId");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(ip, "ip");
      detail = detail == null ? new JsonObject() : detail.copy();
    }
  }

  /** A stored event. */
  public record Entry(String id, Instant at, Event event) {
    /** @return the entry as the API shows it */
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("at", at.toString()).put("action", event.action())
          .put("outcome", event.outcome().name().toLowerCase()).put("actorId", event.actorId().orElse(null))
          .put("subject", event.subject().orElse(null)).put("ip", event.ip()).put("detail", event.detail());
    }
  }

  /** Records an event on its own. */
  public Future<Void> record(Event event) {
    return record(db.writer(), event);
  }

  /** Records an event through the given client, e.g. inside the transaction of the change. */
  public Future<Void> record(SqlClient client, Event event) {
    Map<String, Object> p = new HashMap<>();
    p.put("id", Ids.newId());
    p.put("at", System.currentTimeMillis());
    p.put("action", event.action());
    p.put("outcome", event.outcome().name().toLowerCase());
    p.put("actorId", event.actorId().orElse(null));
    p.put("subject", event.subject().map(s -> s.length() > 128 ? s.substring(0, 128) : s).orElse(null));
    p.put("ip", event.ip().length() > 64 ? event.ip().substring(0, 64) : event.ip());
    String detail = event.detail().encode();
    p.put("detail", detail.length() > 1000 ? new JsonObject().put("truncated", true).encode() : detail);
    return SqlTemplate.forUpdate(client, INSERT).execute(p).mapEmpty();
  }

  /**
   * @param before return events older than this id (empty: the newest)
   * @param action only this action (empty: all)
   * @return at most {@code limit} events, newest first
   */
  public Future<List<Entry>> page(Optional<String> before, Optional<String> action, int limit) {
    Map<String, Object> p = new HashMap<>();
    p.put("before", before.orElse(END));
    p.put("limit", limit);
    action.ifPresent(a -> p.put("action", a));
    return SqlTemplate.forQuery(db.reader(), action.isPresent() ? PAGE_BY_ACTION : PAGE).execute(p)
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(AuditLog::entry).toList());
  }

  private static Entry entry(Row row) {
    Event event = new Event(row.getString("action"), Outcome.valueOf(row.getString("outcome").toUpperCase()),
        Optional.ofNullable(row.getString("actor_id")), Optional.ofNullable(row.getString("subject")),
        row.getString("ip"), new JsonObject(row.getString("detail")));
    return new Entry(row.getString("id"), Instant.ofEpochMilli(row.getLong("at")), event);
  }
}
