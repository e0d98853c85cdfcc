package org.ultrachat.gateway;

import io.vertx.core.Future;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.gateway.realtime.Realtime;
import org.ultrachat.gateway.realtime.RealtimeSettings;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.seam.ChatLink;
import org.ultrachat.platform.service.NodePlan;
import org.ultrachat.platform.service.ServiceContext;
import org.ultrachat.platform.service.ServiceModule;

/**
 * The gateway service through the service contract: the WebSocket gateway ({@code /v1/realtime})
 * when a chat seam is here (chat in-process or reached on another node), and the passing on of
 * the routes of the services this node reaches elsewhere. It provides {@link Front}, what the
 * node's edge mounts in front of everything else. List it after the services it fronts.
 */
public final class GatewayModule implements ServiceModule {
  public static final String NAME = "gateway";
  private static final Logger LOG = LoggerFactory.getLogger(GatewayModule.class);

  /**
   * What the gateway adds to the edge.
   *
   * @param realtime  the WebSocket gateway, when this node serves {@code /v1/realtime}
   * @param upstreams services this node does not run, whose routes it passes on
   */
  public record Front(Optional<Realtime> realtime, List<Upstream> upstreams) {
    /** The edge of a node without the gateway: its own services' routes only. */
    public static final Front NONE = new Front(Optional.empty(), List.of());

    public Front {
      upstreams = List.copyOf(upstreams);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Setting> settings() {
    return RealtimeSettings.ALL;
  }

  @Override
  public void check(NodePlan plan) {
    if (!plan.runs(NAME) && plan.config().optional(NodeSettings.CLUSTER_SECRET).isPresent()
        && plan.config().list(NodeSettings.TRUSTED_PROXIES).isEmpty()) {
      LOG.warn("this service node trusts no proxy: requests passed on by gateways count against the gateway's "
          + "address in rate limits and audit; set trusted-proxies to the gateways' addresses");
    }
  }

  @Override
  public Future<? extends ServiceModule.Running> start(ServiceContext context) {
    List<Upstream> upstreams = new ArrayList<>();
    for (Map.Entry<String, URI> upstream : context.upstreams().entrySet()) {
      String service = upstream.getKey();
      upstreams.add(new Upstream(service, context.publicPaths().getOrDefault(service, List.of()), upstream.getValue()));
      context.readiness().put("upstream-" + service, Upstream.readiness(context.vertx(), upstream.getValue()));
    }
    Optional<Authenticator> authenticator = context.capabilities().find(Authenticator.class);
    if (authenticator.isEmpty()) {
      LOG.warn("this node runs the gateway without the auth service or upstream-auth: protected routes answer 401");
    }
    Optional<Realtime> realtime = context.capabilities().find(ChatLink.class).map(chat -> Realtime.create(
        context.vertx(), context.config(), context.registry(), chat, authenticator.orElse(Authenticator.refuseAll()),
        context.bus(), context.redis(), context.namespace(), context.frames()));
    context.capabilities().provide(Front.class, new Front(realtime, upstreams));
    return Future.succeededFuture(new Started(realtime));
  }

  /** The gateway running on this node. */
  private record Started(Optional<Realtime> realtime) implements ServiceModule.Running {
    /** WebSocket clients are told to reconnect elsewhere and their sends in flight answered. */
    @Override
    public Future<Void> stop() {
      return realtime.map(r -> r.goAway("server shutting down")).orElse(Future.succeededFuture());
    }
  }
}
