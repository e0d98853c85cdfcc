package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    return code;
  }

  @Test
  void migrateCreatesTheEmbeddedStoreAndExitsZero() {
    int code = run("migrate", "--data-dir", dir.resolve("data").toString());
    assertThat(code).isZero();
    assertThat(dir.resolve("data/ultrachat.db")).exists();
    assertThat(out.toString()).contains("Store is up to date: SQLite");
  }

  @Test
  void invalidSettingExitsWithCode2AndNamesTheKey() {
    int code = run("serve", "--http-port", "eighty", "--data-dir", dir.toString());
    assertThat(code).isEqualTo(Main.CONFIG_ERROR);
    assertThat(err.toString()).contains("http-port must be a whole number");
  }

  @Test
  void unknownServiceIsRefusedBeforeAnythingStarts() {
    int code = run("serve", "--services", "gateway,telepathy", "--data-dir", dir.resolve("data").toString());
    assertThat(code).isEqualTo(Main.CONFIG_ERROR);
    assertThat(err.toString()).contains("unknown service 'telepathy'");
    assertThat(Files.exists(dir.resolve("data"))).isFalse();
  }

  @Test
  void aSplitGatewayNeedsTheClusterSecretAndTheBusBeforeAnythingStarts() {
    String data = dir.resolve("data").toString();
    assertThat(run("serve", "--services", "gateway", "--upstream-chat", "http://127.0.0.1:9", "--data-dir", data))
        .isEqualTo(Main.CONFIG_ERROR);
    assertThat(err.toString()).contains("upstream-chat needs redis-url");
    assertThat(run("serve", "--services", "gateway", "--upstream-auth", "http://127.0.0.1:9", "--data-dir", data))
        .isEqualTo(Main.CONFIG_ERROR);
    assertThat(err.toString()).contains("upstream-auth needs cluster-secret");
    assertThat(run("serve", "--upstream-auth", "http://127.0.0.1:9", "--data-dir", data)).isEqualTo(Main.CONFIG_ERROR);
    assertThat(err.toString()).contains("upstream-auth is for a node that runs the gateway (or, for auth, chat) without the auth service");
    assertThat(run("serve", "--services", "gateway", "--cluster-secret", "short", "--data-dir", data))
        .isEqualTo(Main.CONFIG_ERROR);
    assertThat(err.toString()).contains("cluster-secret must have at least 32 characters");
    assertThat(Files.exists(dir.resolve("data"))).isFalse();
  }

  @Test
  void aMasterKeyThatDoesNotMatchTheStoreExitsWithCode2AndSaysSo() {
    String data = dir.resolve("data").toString();
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    assertThat(run("keys", "rotate", "--data-dir", data, "--master-key", key)).as(err.toString()).isZero();
    byte[] other = new byte[32];
    other[0] = 1;
    int code = run("keys", "rotate", "--data-dir", data, "--master-key", Base64.getEncoder().encodeToString(other));
    assertThat(code).isEqualTo(Main.CONFIG_ERROR);
    assertThat(err.toString()).contains("ultrachat: master key does not match the data keys in the store");
  }

  @Test
  void everySettingIsAFlag() {
    int code = run("serve", "--help");
    assertThat(code).isZero();
    for (var s : Node.settings(Modules.ALL)) {
      assertThat(out.toString()).contains("--" + s.key());
    }
  }
}
