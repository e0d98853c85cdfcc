package org.ultrachat.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ultrachat.platform.cluster.ClusterSecret;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.service.NodePlan;
import org.ultrachat.platform.service.ServiceModule;

/**
 * What a node's configuration makes of it, worked out and checked before anything starts: the
 * services it runs (in list order), where it reaches the ones it uses elsewhere, and the
 * cluster secret for those calls.
 *
 * @param upstreams {@code upstream-<name>} for each service reached on another node
 */
record Plan(NodePlan nodePlan, Map<String, URI> upstreams, Optional<ClusterSecret> secret) {
  private static final String UPSTREAM = "upstream-";

  /**
   * @throws ConfigException when {@code services} names a service this build does not have, or
   *     the services and upstreams cannot work together
   */
  static Plan of(Config config, List<ServiceModule> modules) {
    List<String> names = names(modules);
    Set<String> local = new LinkedHashSet<>();
    List<String> asked = config.list(Node.SERVICES);
    for (String name : asked) {
      if (!name.equals("all") && !names.contains(name)) {
        throw new ConfigException("unknown service '" + name + "' in " + Node.SERVICES.key()
            + "; this build has: " + String.join(", ", names) + " (or all)");
      }
    }
    // In list order, whatever order services names them in: modules start after what they use.
    names.stream().filter(n -> asked.contains("all") || asked.contains(n)).forEach(local::add);
    if (local.isEmpty()) {
      throw new ConfigException(Node.SERVICES.key() + " names no service");
    }
    Set<String> reached = new LinkedHashSet<>();
    for (ServiceModule module : modules) {
      if (module.remote().isPresent() && config.optional(upstreamSetting(module)).isPresent()) {
        reached.add(module.name());
      }
    }
    NodePlan plan = new NodePlan(config, local, reached);
    modules.forEach(m -> m.check(plan));

    Optional<ClusterSecret> secret = ClusterSecret.of(config);
    Map<String, URI> upstreams = new LinkedHashMap<>();
    for (ServiceModule module : modules) {
      if (reached.contains(module.name())) {
        upstreams.put(module.name(), upstream(config, module, local, secret));
      }
    }
    return new Plan(plan, Collections.unmodifiableMap(upstreams), secret);
  }

  /** @return the key naming where a service that can be reached remotely runs */
  static Setting upstreamSetting(ServiceModule module) {
    return Setting.text(UPSTREAM + module.name(), "",
        "On a node that uses the " + module.name() + " service without running it: base URL (http://host:port) of "
            + "a node running it.");
  }

  static List<String> names(List<ServiceModule> modules) {
    return modules.stream().map(ServiceModule::name).toList();
  }

  /** @return where the service runs; the key is refused where it runs here, and needs the cluster secret */
  private static URI upstream(Config config, ServiceModule module, Set<String> local, Optional<ClusterSecret> secret) {
    Setting setting = upstreamSetting(module);
    String value = config.string(setting);
    if (local.contains(module.name())) {
      throw new ConfigException(setting.key() + " is for a node without the " + module.name() + " service");
    }
    if (secret.isEmpty()) {
      throw new ConfigException(setting.key() + " needs " + NodeSettings.CLUSTER_SECRET.key()
          + " (the same on every node) to call the service's internal routes");
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigException(setting.key() + " is not a URL: " + value);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      throw new ConfigException(setting.key() + " must be http(s)://host:port with no path: " + value);
    }
    return uri;
  }
}
