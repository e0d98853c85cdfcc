package org.ultrachat.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.Setting;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Adds a {@code --<key>} flag for every key of this build ({@link Node#settings}) to a command, plus {@code --config FILE},
 * and reads them back into a {@link Config}. The flags come from the settings themselves, so no
 * key can be missing from the CLI.
 */
final class ConfigOptions {
  private static final String CONFIG_FILE = "--config";

  private ConfigOptions() {
  }

  static void addTo(CommandSpec spec) {
    spec.addOption(OptionSpec.builder(CONFIG_FILE).paramLabel("FILE").type(Path.class)
        .description("Properties file with kebab-case keys (env: " + Config.CONFIG_FILE_ENV + ").").build());
    for (Setting s : Node.settings(Modules.ALL)) {
      String def = s.defaultValue().isEmpty() ? "unset" : s.defaultValue();
      spec.addOption(OptionSpec.builder("--" + s.key()).paramLabel("VALUE").type(String.class)
          .description(s.description() + " Default: " + def + ". Env: " + s.envName() + ".").build());
    }
  }

  static Config read(CommandSpec spec, Map<String, String> env) {
    Map<String, String> flags = new HashMap<>();
    for (Setting s : Node.settings(Modules.ALL)) {
      String v = spec.findOption("--" + s.key()).getValue();
      if (v != null) {
        flags.put(s.key(), v);
      }
    }
    Path file = spec.findOption(CONFIG_FILE).getValue();
    Optional<Path> configFile = Optional.ofNullable(file)
        .or(() -> Optional.ofNullable(env.get(Config.CONFIG_FILE_ENV)).map(Path::of));
    return Config.load(Node.settings(Modules.ALL), configFile, env, flags);
  }
}
