package org.ultrachat.platform.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A request's JSON object body with typed, bounded field access. Every accessor throws
 * {@link ProblemException.BadInput} naming the field, so handlers validate in one line per field
 * and a mistyped body never reaches a service. The edge has already capped the body's size.
 */
public final class JsonBody {
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n\\t]]");
  private final JsonObject json;

  private JsonBody(JsonObject json) {
    this.json = json;
  }

  /** @return the body of a request that must carry a JSON object */
  public static JsonBody of(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.split(";", 2)[0].trim().equalsIgnoreCase("application/json")) {
      throw new ProblemException(415, "unsupported-media-type", "Unsupported media type",
          "the body must be application/json");
    }
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw new ProblemException.BadInput("the body is empty; a JSON object is required");
    }
    try {
      Object value = ctx.body().buffer().toJsonValue();
      if (value instanceof JsonObject o) {
        return new JsonBody(o);
      }
    } catch (DecodeException e) {
      throw new ProblemException.BadInput("the body is not valid JSON");
    }
    throw new ProblemException.BadInput("the body must be a JSON object");
  }

  /** @return a body over an already parsed object (for nested objects) */
  public static JsonBody wrap(JsonObject json) {
    return new JsonBody(json);
  }

  /** @return a required string of {@code min..max} characters, without control characters */
  public String string(String field, int min, int max) {
    return optionalString(field, min, max)
        .orElseThrow(() -> new ProblemException.BadInput("'" + field + "' is required"));
  }

  /** @return an optional string of {@code min..max} characters, without control characters */
  public Optional<String> optionalString(String field, int min, int max) {
    Object v = json.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw new ProblemException.BadInput("'" + field + "' must be a string");
    }
    int length = s.codePointCount(0, s.length());
    if (length < min || length > max) {
      throw new ProblemException.BadInput("'" + field + "' must be " + min + " to " + max + " characters");
    }
    if (CONTROL.matcher(s).find()) {
      throw new ProblemException.BadInput("'" + field + "' must not contain control characters");
    }
    return Optional.of(s);
  }

  /** @return an optional boolean */
  public Optional<Boolean> optionalBoolean(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Boolean b)) {
      throw new ProblemException.BadInput("'" + field + "' must be true or false");
    }
    return Optional.of(b);
  }

  /** @return an optional whole number within {@code min..max} */
  public Optional<Long> optionalLong(String field, long min, long max) {
    Object v = json.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ProblemException.BadInput("'" + field + "' must be a whole number");
    }
    // Compare as double first: longValue() of a huge integer wraps around.
    if (n.doubleValue() < min || n.doubleValue() > max) {
      throw new ProblemException.BadInput("'" + field + "' must be between " + min + " and " + max);
    }
    long value = n.longValue();
    if (value < min || value > max) {
      throw new ProblemException.BadInput("'" + field + "' must be between " + min + " and " + max);
    }
    return Optional.of(value);
  }

  /**
   * @return a required string of at most {@code max} characters, as it is (control characters
   *         too), for a caller that passes it on to rules of its own
   */
  public String verbatim(String field, int max) {
    if (!(json.getValue(field) instanceof String s)) {
      throw new ProblemException.BadInput("'" + field + "' must be a string");
    }
    if (s.length() > max) {
      throw new ProblemException.BadInput("'" + field + "' must be at most " + max + " characters");
    }
    return s;
  }

  /** @return a required nested object */
  public JsonBody object(String field) {
    if (!(json.getValue(field) instanceof JsonObject o)) {
      throw new ProblemException.BadInput("'" + field + "' must be an object");
    }
    return new JsonBody(o);
  }

  /** @return a required array of {@code min..max} objects */
  public List<JsonBody> objects(String field, int min, int max) {
    JsonArray array = array(field, min, max);
    List<JsonBody> out = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof JsonObject o)) {
        throw new ProblemException.BadInput("'" + field + "' must hold only objects");
      }
      out.add(new JsonBody(o));
    }
    return out;
  }

  /** @return a required array of {@code min..max} strings, each {@code 1..maxLength} characters */
  public List<String> strings(String field, int min, int max, int maxLength) {
    JsonArray array = array(field, min, max);
    List<String> out = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String s) || s.isEmpty() || s.length() > maxLength) {
        throw new ProblemException.BadInput("'" + field + "' must hold strings of 1 to " + maxLength + " characters");
      }
      out.add(s);
    }
    return out;
  }

  /** @return whether the field is present (even if null) */
  public boolean has(String field) {
    return json.containsKey(field);
  }

  private JsonArray array(String field, int min, int max) {
    Object v = json.getValue(field);
    if (!(v instanceof JsonArray array)) {
      throw new ProblemException.BadInput("'" + field + "' must be an array");
    }
    if (array.size() < min || array.size() > max) {
      throw new ProblemException.BadInput("'" + field + "' must hold " + min + " to " + max + " items");
    }
    return array;
  }
}
