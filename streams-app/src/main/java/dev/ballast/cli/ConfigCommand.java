package dev.ballast.cli;

import dev.ballast.config.BallastConfig;
import dev.ballast.config.SettingsTable;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Validate settings and print the effective ballast.* configuration.",
            "",
            "With --table, print every setting with its default and documentation as a Markdown table.", ""},
        footer = {"", "Examples:",
            "  ballast config --config config/production.properties",
            "  ballast config --set ballast.weighting.policy=sqrt",
            "  ballast config --table > settings.md"})
final class ConfigCommand implements Runnable {

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--table", description = "Print the table of all settings (Markdown) instead.")
    boolean table;

    @Override
    public void run() {
        if (table) {
            System.out.print(SettingsTable.markdown());
            return;
        }
        BallastConfig config = new BallastConfig(configOptions.load(Map.of()));
        config.effectiveBallastSettings().forEach((key, value) -> System.out.println(key + "=" + value));
    }
}
