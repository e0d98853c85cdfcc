package org.ultrachat.app;

import java.util.Map;
import org.ultrachat.platform.config.Setting;

/** The auth flow on the embedded store. */
class AuthFlowIT extends AuthFlowContract {
  @Override
  Map<Setting, String> storeSettings() {
    return Map.of();
  }
}
