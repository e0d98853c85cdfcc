package org.ultrachat.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;

/** A plain HTTP client for end-to-end tests against a running node. */
final class Http {
  // HTTP/1.1: the JDK client otherwise tries an h2c upgrade, which at times left a large answer
  // (/metrics) hanging until the server's idle timeout.
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  /** GET with a bearer token. */
  HttpResponse<String> get(String path, String token) {
    return send(request(path).header("Authorization", "Bearer " + token).GET().build());
  }

  /** POST a JSON body, with a bearer token when one is given. */
  HttpResponse<String> post(String path, Object json, String token) {
    HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.toString()));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.build());
  }

  /** Sends a JSON body with any method and a bearer token. */
  HttpResponse<String> send(String method, String path, Object json, String token) {
    return send(request(path).header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
        .method(method, HttpRequest.BodyPublishers.ofString(json == null ? "" : json.toString())).build());
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * @return the value of one Prometheus sample (0 when the series does not exist yet)
   * @param series the metric name and its labels exactly as exposed, e.g.
   *     {@code http_server_requests_seconds_count{method="GET",route="/health/live",status="204"}}
   */
  double metric(String series) {
    String text = get("/metrics").body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** @return the JSON body of a 200/201/204 answer; fails the test, showing the body, on any other */
  static JsonObject ok(HttpResponse<String> r) {
    Assertions.assertThat(r.statusCode()).as(r.body()).isBetween(200, 204);
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  /** Registers {@code name} (open registration) and logs in. @return the user's id and access token */
  Account register(String name) {
    String password = name + " password long";
    String id = ok(post("/v1/auth/register", new JsonObject().put("username", name)
        .put("password", password), null)).getString("id");
    String token = ok(post("/v1/auth/login", new JsonObject().put("username", name)
        .put("password", password), null)).getString("accessToken");
    return new Account(id, token);
  }

  /** A provisioned account: its id and personal access token. */
  record Account(String id, String token) {
  }

  /**
   * Creates the admin {@code root} on the node, logs it in, and provisions members (and, for names
   * starting with {@code "guest:"}, guests) through the admin path, as a benchmark would.
   *
   * @return the admin's access token and the accounts by username, in the order given
   */
  static Map.Entry<String, Map<String, Account>> provision(Node node, Http http, String... names) {
    node.auth().createUser("root", "Root", "root password long", true).await();
    String admin = new JsonObject(http.post("/v1/auth/login", new JsonObject()
        .put("username", "root").put("password", "root password long"), null).body()).getString("accessToken");
    JsonArray users = new JsonArray();
    for (String name : names) {
      boolean guest = name.startsWith("guest:");
      JsonObject u = new JsonObject().put("username", guest ? name.substring(6) : name);
      users.add(guest ? u.put("role", "guest") : u);
    }
    JsonArray created = new JsonObject(http.post("/v1/admin/users",
        new JsonObject().put("users", users), admin).body()).getJsonArray("users");
    Map<String, Account> accounts = new LinkedHashMap<>();
    for (int i = 0; i < created.size(); i++) {
      JsonObject c = created.getJsonObject(i);
      accounts.put(c.getJsonObject("user").getString("username"),
          new Account(c.getJsonObject("user").getString("id"), c.getString("token")));
    }
    return Map.entry(admin, accounts);
  }
}
