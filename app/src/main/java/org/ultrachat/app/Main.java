package org.ultrachat.app;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import org.ultrachat.bench.Bench;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.store.StoreTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code ultrachat} command line. */
@Command(name = "ultrachat", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "UltraChat team-chat server.",
    subcommands = {Main.Serve.class, Main.Migrate.class, Main.Users.class, Main.Keys.class})
public final class Main {
  /** Exit code for unusable configuration, as for a usage error. */
  static final int CONFIG_ERROR = 2;
  /** Exit code when the request was understood but refused (name taken, password too short). */
  static final int REFUSED = 3;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    for (String sub : new String[] {"serve", "migrate"}) {
      ConfigOptions.addTo(cli.getSubcommands().get(sub).getCommandSpec());
    }
    ConfigOptions.addTo(cli.getSubcommands().get("user").getSubcommands().get("create").getCommandSpec());
    ConfigOptions.addTo(cli.getSubcommands().get("keys").getSubcommands().get("rotate").getCommandSpec());
    // The load generator is a client of a running server: none of the server's settings apply to it.
    cli.addSubcommand("bench", Bench.commandLine());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException) {
        cmd.getErr().println("ultrachat: " + e.getMessage());
        return CONFIG_ERROR;
      }
      if (e instanceof ProblemException p) {
        cmd.getErr().println("ultrachat: " + p.detail());
        return REFUSED;
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

  /** Account administration from the command line. */
  @Command(name = "user", description = "Manage accounts.", mixinStandardHelpOptions = true,
      subcommands = {UserCreate.class})
  static final class Users {
  }

  /** Creates an account with a password; {@code --admin} makes the first administrator. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create an account with a password (the first admin comes from here).")
  static final class UserCreate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--username", required = true, description = "2-32 characters of a-z, 0-9, '.', '_', '-'.")
    String username;

    @Option(names = "--display-name", description = "Shown to others; defaults to the username.")
    String displayName;

    @Option(names = "--admin", description = "Give the account the admin role.")
    boolean admin;

    @Option(names = "--password-stdin", description = "Read the password from standard input instead of prompting.")
    boolean passwordFromStdin;

    @Override
    public Integer call() throws IOException {
      String password = readPassword();
      return withStoreNode(spec, node -> {
        var user = node.auth().createUser(username, displayName == null ? username : displayName, password, admin).await();
        spec.commandLine().getOut().println("Created " + user.getString("role") + " " + user.getString("username")
            + " (" + user.getString("id") + ")");
        return 0;
      });
    }

    private String readPassword() throws IOException {
      if (passwordFromStdin) {
        String line = new BufferedReader(new InputStreamReader(System.in,
            StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
          throw new ConfigException("no password on standard input");
        }
        return line;
      }
      Console console = System.console();
      if (console == null) {
        throw new ConfigException("no terminal to ask for a password: use --password-stdin");
      }
      String first = new String(console.readPassword("Password for %s: ", username));
      String second = new String(console.readPassword("Again: "));
      if (!first.equals(second)) {
        throw new ConfigException("the passwords differ");
      }
      return first;
    }
  }

  /** Key management. */
  @Command(name = "keys", description = "Manage signing and encryption keys.", mixinStandardHelpOptions = true,
      subcommands = {KeysRotate.class})
  static final class Keys {
  }

  /** Starts new keys; old tokens and ciphertexts stay valid. */
  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Add a new JWT signing key and a new data-key version. Running nodes adopt them within a minute.")
  static final class KeysRotate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      return withStoreNode(spec, node -> {
        Node.KeyRotation rotation = node.rotateKeys();
        spec.commandLine().getOut().println("New signing key " + rotation.signingKeyId() + ", data key version "
            + rotation.dataKeyId());
        return 0;
      });
    }
  }

  /**
   * Runs an administrative command on a node with the auth service and no HTTP server, on the
   * configured store (which a running server may share), and stops it afterwards.
   */
  static int withStoreNode(CommandSpec spec, ToIntFunction<Node> command) {
    Node node = Node.start(ConfigOptions.read(spec, System.getenv()).with(Map.of(
        Node.SERVICES, "auth")), false);
    try {
      return command.applyAsInt(node);
    } finally {
      node.stop();
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
