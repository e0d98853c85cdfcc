package org.ultrachat.platform.http;

import java.util.Objects;

/**
 * A failure the client can act on, answered as an RFC 9457 {@code application/problem+json}
 * document. Services throw (or fail futures with) the subclasses; the edge maps them once.
 */
public class ProblemException extends RuntimeException {
  private final int status;
  private final String type;
  private final String title;

  /**
   * @param status HTTP status, 4xx or 5xx
   * @param type   short kebab-case problem name, becomes {@code urn:ultrachat:problem:<type>}
   * @param title  a summary that does not change between occurrences
   * @param detail what went wrong this time, safe to show the client (never a secret or stack trace)
   */
  public ProblemException(int status, String type, String title, String detail) {
    super(Objects.requireNonNull(detail, "detail"), null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("problem status must be 4xx or 5xx: " + status);
    }
    this.status = status;
    this.type = Objects.requireNonNull(type, "type");
    this.title = Objects.requireNonNull(title, "title");
  }

  public int status() {
    return status;
  }

  /** @return the problem type URI */
  public String type() {
    return "urn:ultrachat:problem:" + type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  /** The request is malformed or fails validation (400). */
  public static final class BadInput extends ProblemException {
    public BadInput(String detail) {
      super(400, "bad-input", "The request is not valid", detail);
    }
  }

  /** No valid credentials came with the request (401). */
  public static final class Unauthorized extends ProblemException {
    public Unauthorized(String detail) {
      super(401, "unauthorized", "Authentication is required", detail);
    }
  }

  /** The caller is known but may not do this (403). */
  public static final class Forbidden extends ProblemException {
    public Forbidden(String detail) {
      super(403, "forbidden", "Not allowed", detail);
    }
  }

  /** The thing asked for does not exist, or the caller may not know it does (404). */
  public static final class NotFound extends ProblemException {
    public NotFound(String detail) {
      super(404, "not-found", "Not found", detail);
    }
  }

  /** The request clashes with the current state (409). */
  public static final class Conflict extends ProblemException {
    public Conflict(String detail) {
      super(409, "conflict", "Conflict with the current state", detail);
    }
  }

  /** The client has used up a rate limit; it may try again after {@link #retryAfterSeconds()} (429). */
  public static final class TooManyRequests extends ProblemException {
    private final long retryAfterSeconds;

    /**
     * @param retryAfterSeconds whole seconds until a retry can succeed, at least 1; sent as {@code Retry-After}
     */
    public TooManyRequests(String detail, long retryAfterSeconds) {
      super(429, "too-many-requests", "Too many requests", detail);
      if (retryAfterSeconds < 1) {
        throw new IllegalArgumentException("retry-after must be at least 1 second: " + retryAfterSeconds);
      }
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** A dependency (the store, the bus) cannot be reached right now (503). */
  public static final class Unavailable extends ProblemException {
    public Unavailable(String detail) {
      super(503, "unavailable", "Service unavailable", detail);
    }
  }
}
