package org.ultrachat.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyResponse;
import java.util.List;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.ratelimit.ClientAddress;

/**
 * Passes the REST routes of services this node does not run to the nodes that do (Vert.x HTTP
 * proxy). The caller's credentials travel unchanged (the bearer token, the refresh cookie) and
 * the service node checks them itself, so a gateway cannot vouch for anyone; the client address
 * goes in {@code X-Forwarded-For}, which the service node believes only from the addresses in its
 * {@code trusted-proxies}. The request id goes along, so one id names the request on both nodes.
 */
final class ServiceProxy {
  private final long maxBodyBytes;

  ServiceProxy(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  void mount(Vertx vertx, Router router, List<Upstream> upstreams) {
    for (Upstream upstream : upstreams) {
      boolean tls = "https".equals(upstream.origin().getScheme());
      int port = upstream.origin().getPort() > 0 ? upstream.origin().getPort() : tls ? 443 : 80;
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(tls).setKeepAlive(true)
          .setIdleTimeout(60), new PoolOptions().setHttp1MaxSize(64));
      HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client)
          .origin(port, upstream.origin().getHost())
          .addInterceptor(new Hop(upstream.service()));
      ProxyHandler handler = ProxyHandler.create(proxy);
      for (String path : upstream.paths()) {
        router.route(path).handler(ctx -> {
          ctx.put(ApiRoutes.ROUTE_KEY, path);
          if (tooLarge(ctx)) {
            return;
          }
          ctx.request().headers()
              .set(ClientAddress.FORWARDED_FOR, ClientAddress.of(ctx))
              .set(RequestIds.HEADER, RequestIds.of(ctx));
          handler.handle(ctx);
        });
      }
    }
  }

  /** The service node caps bodies too; a declared oversize is refused here, before a byte is read. */
  private boolean tooLarge(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    try {
      if (length != null && Long.parseLong(length.trim()) > maxBodyBytes) {
        ctx.fail(413);
        return true;
      }
    } catch (NumberFormatException e) {
      ctx.fail(400);
      return true;
    }
    return false;
  }

  /**
   * One hop to a service node. A node that cannot be reached answers a 503 problem, as an
   * unreachable store does. Headers this edge already set (the request id, security headers, CORS)
   * are not taken again from the service node's answer, which sets its own of the same names.
   */
  private record Hop(String service) implements ProxyInterceptor {
    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
      MultiMap own = context.request().proxiedRequest().response().headers();
      own.names().forEach(name -> context.response().headers().remove(name));
      return context.sendResponse();
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
      return context.sendRequest().recover(failure -> {
        String requestId = context.request().headers().get(RequestIds.HEADER);
        JsonObject problem = new JsonObject().put("type", "urn:ultrachat:problem:unavailable")
            .put("title", "Service unavailable").put("status", 503)
            .put("detail", "the " + service + " service cannot be reached; retry shortly")
            .put("instance", context.request().proxiedRequest().path()).put("requestId", requestId);
        ProxyResponse response = context.request().response().setStatusCode(503).setStatusMessage("Service Unavailable")
            .setBody(Body.body(problem.toBuffer(), MediaType.parse(Problems.CONTENT_TYPE)));
        return Future.succeededFuture(response);
      });
    }
  }
}
