package dev.ballast.cli;

import dev.ballast.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE} and repeatable {@code --set KEY=VALUE}, shared by every command that reads settings. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with ballast.* settings and Kafka / Schema Registry client settings.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one setting (repeatable; wins over --config).")
    List<String> overrides = new ArrayList<>();

    Map<String, String> load(Map<String, String> commandDefaults) {
        return ConfigLoader.load(configFile, commandDefaults, overrides);
    }
}
