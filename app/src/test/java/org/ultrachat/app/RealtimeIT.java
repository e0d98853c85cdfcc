package org.ultrachat.app;

import java.util.Map;
import org.ultrachat.platform.config.Setting;

/** The real-time gateway on the embedded store. */
class RealtimeIT extends RealtimeContract {
  @Override
  Map<Setting, String> storeSettings() {
    return Map.of();
  }
}
