package org.ultrachat.app;

import java.util.List;
import org.ultrachat.auth.AuthModule;
import org.ultrachat.chat.ChatModule;
import org.ultrachat.gateway.GatewayModule;
import org.ultrachat.platform.service.ServiceModule;

/**
 * The service modules of this build, in start order: a module comes after those whose
 * capabilities it uses (chat looks users up in auth; the gateway fronts both). Adding a service
 * is one module and one line here.
 */
final class Modules {
  static final List<ServiceModule> ALL = List.of(
      new AuthModule(),
      new ChatModule(),
      new GatewayModule());

  private Modules() {
  }
}
