package org.ultrachat.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A plain HTTP client for end-to-end tests against a running node. */
final class Http {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
}
