package org.ultrachat.platform.service;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import org.ultrachat.platform.config.Config;

/**
 * What a node is configured to be, before anything starts.
 *
 * @param config  the effective configuration
 * @param local   the services this node runs, in start order
 * @param reached the services this node uses on other nodes ({@code upstream-<name>} is set)
 */
public record NodePlan(Config config, Set<String> local, Set<String> reached) {
  public NodePlan {
    local = Collections.unmodifiableSet(new LinkedHashSet<>(local));
    reached = Set.copyOf(reached);
  }

  /** @return whether this node runs the service */
  public boolean runs(String service) {
    return local.contains(service);
  }

  /** @return whether this node reaches the service on another node */
  public boolean reaches(String service) {
    return reached.contains(service);
  }
}
