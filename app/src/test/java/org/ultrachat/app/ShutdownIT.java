package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;

/** A node that stops lets the REST requests in flight finish before it closes their connections. */
class ShutdownIT {
  @TempDir
  Path dir;

  @Test
  void aRequestHalfSentWhenTheNodeStopsIsStillAnswered() throws Exception {
    Node node = Node.start(Config.defaults().with(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.toString())));
    String token = new Http(node.port()).register("ada").token();
    byte[] body = new JsonObject().put("kind", "public").put("name", "late").encode().getBytes(StandardCharsets.UTF_8);

    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/channels HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      out.write(body, 0, 10);
      out.flush();
      Thread.sleep(200);

      Thread stopping = Thread.ofPlatform().start(node::stop);
      Thread.sleep(500);
      assertThat(stopping.isAlive()).as("the node waits for the request in flight").isTrue();
      out.write(body, 10, body.length - 10);
      out.flush();

      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(status).isEqualTo("HTTP/1.1 201 Created");
      stopping.join(20_000);
      assertThat(stopping.isAlive()).as("and then stops").isFalse();
    }
  }
}
