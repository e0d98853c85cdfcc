package org.ultrachat.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ultrachat bench <workload>}: drives a running server over its public protocol and
 * reports (docs/benchmarks.md). Each workload makes its users and channels through the API,
 * runs on worker processes, prints progress every second, then a summary table, and writes a JSON
 * result and an HTML page with charts.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Load-test a running UltraChat server (see docs/benchmarks.md).",
    subcommands = {ConnectionsCommand.class, FanoutCommand.class, IngestCommand.class, ApiCommand.class, UsersCommand.class})
public final class Bench {
  /** Users per source address: keeps each address well inside the per-address limits and its ~28k local ports. */
  static final int USERS_PER_ADDRESS = 500;
  /** Connections per worker process: each process may open 20,000 files here. */
  static final int CONNECTIONS_PER_WORKER = 15_000;

  public static CommandLine commandLine() {
    return new CommandLine(new Bench());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
