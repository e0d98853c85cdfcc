package org.ultrachat.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;

/** Nodes as the end-to-end tests start them: the build's modules, a free loopback port, data in the test's folder. */
final class TestNodes {
  private TestNodes() {
  }

  /** @return a started node with {@code settings} (the store's, a test's own) on top of those */
  static Node start(Path dataDir, Map<Setting, String> settings) {
    Map<Setting, String> all = new HashMap<>(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dataDir.toString()));
    all.putAll(settings);
    return Node.start(Config.defaults().with(all));
  }
}
