package org.ultrachat.app;

import java.util.concurrent.Callable;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.store.StoreTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code ultrachat} command line. */
@Command(name = "ultrachat", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "UltraChat team-chat server.",
    subcommands = {Main.Serve.class, Main.Migrate.class})
public final class Main {
  /** Exit code for unusable configuration, as for a usage error. */
  static final int CONFIG_ERROR = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    for (String sub : new String[] {"serve", "migrate"}) {
      ConfigOptions.addTo(cli.getSubcommands().get(sub).getCommandSpec());
    }
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException) {
        cmd.getErr().println("ultrachat: " + e.getMessage());
        return CONFIG_ERROR;
      }
      throw e;
    });
    return cli;
  }

  /** Starts a node and serves until the process is stopped. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Migrate the store and serve (HTTP, WebSocket) until stopped.")
  static final class Serve implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      Config config = ConfigOptions.read(spec, System.getenv());
      Node node = Node.start(config);
      Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "ultrachat-shutdown"));
      spec.commandLine().getOut().printf("UltraChat is serving on http://localhost:%d (store: %s)%n",
          node.port(), StoreTarget.of(config).describe());
      spec.commandLine().getOut().flush();
      // Vert.x threads keep the process alive; main has nothing more to do.
      Thread.currentThread().join();
      return 0;
    }
  }

  /** Applies pending migrations and exits. */
  @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply pending store migrations, then exit.")
  static final class Migrate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      StoreTarget target = StoreTarget.of(ConfigOptions.read(spec, System.getenv()));
      Node.migrate(target);
      spec.commandLine().getOut().println("Store is up to date: " + target.describe());
      return 0;
    }
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ultrachat " + (v == null ? "development build" : v)};
    }
  }
}
