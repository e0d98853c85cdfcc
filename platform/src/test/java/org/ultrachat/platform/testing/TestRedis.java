package org.ultrachat.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The real Redis tests use: {@code ULTRACHAT_TEST_REDIS_URL}, by default the local one. Tests
 * share it, so each keeps to keys and channels of its own.
 */
public final class TestRedis {
  /** Environment variable naming the Redis tests use. */
  public static final String URL_ENV = "ULTRACHAT_TEST_REDIS_URL";
  private static final String DEFAULT_URL = "redis://127.0.0.1:6379";
  private static final String HOW_TO = "start Redis (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 "
      + "--save \"\" --appendonly no) or point " + URL_ENV + " at one";

  private TestRedis() {
  }

  /** @return the URL of a Redis that answered PING; skips the test (fails it under CI) when none does */
  public static String url() {
    String url = System.getenv().getOrDefault(URL_ENV, DEFAULT_URL);
    URI uri = URI.create(url);
    try {
      String answer = command(uri.getHost(), uri.getPort(), "PING");
      if (!answer.startsWith("+PONG")) {
        throw new IOException("PING answered " + answer);
      }
    } catch (IOException e) {
      RequiredService.unavailable("Redis", uri.getHost() + ":" + uri.getPort(), HOW_TO, e);
    }
    return url;
  }

  /**
   * Closes the connection of the client named {@code name}, as Redis does to a subscriber that
   * reads too slowly. @return whether one was found and killed
   */
  public static boolean killClient(String url, String name) throws IOException {
    URI uri = URI.create(url);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2_000);
      s.setSoTimeout(2_000);
      s.getOutputStream().write("CLIENT LIST\r\n".getBytes(StandardCharsets.UTF_8));
      InputStream in = s.getInputStream();
      int length = Integer.parseInt(readLine(in).substring(1));
      String list = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      for (String client : list.split("\n")) {
        if (client.contains(" name=" + name + " ")) {
          String addr = client.replaceAll(".*\\baddr=(\\S+).*", "$1");
          return command(uri.getHost(), uri.getPort(), "CLIENT KILL " + addr).startsWith("+OK");
        }
      }
      return false;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      line.append((char) b);
    }
    return line.toString().trim();
  }

  /** Sends one inline command and returns the first line of the answer (tests only: no RESP parsing). */
  public static String command(String host, int port, String inline) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2_000);
      s.setSoTimeout(2_000);
      s.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        line.append((char) b);
      }
      return line.toString().trim();
    }
  }
}
