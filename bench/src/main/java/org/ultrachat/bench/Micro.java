package org.ultrachat.bench;

import org.openjdk.jmh.Main;

/**
 * Runs the JMH microbenchmarks of this module: every argument goes to JMH's own command line
 * ({@code -h} lists them). See docs/benchmarks.md, "Microbenchmarks (JMH)", for the command.
 */
public final class Micro {
  private Micro() {
  }

  public static void main(String[] args) throws Exception {
    Main.main(args);
  }
}
