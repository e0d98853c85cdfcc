package org.ultrachat.app;

import java.util.Map;
import org.ultrachat.platform.config.Setting;

/** Chat's durable feed on the embedded store. */
class ChatFeedTest extends ChatFeedContract {
  @Override
  Map<Setting, String> storeSettings() {
    return Map.of();
  }
}
