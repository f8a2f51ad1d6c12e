package dev.ballast.config;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/** Renders {@link BallastConfig#DEFINITION} as a Markdown table: the README's settings table is generated, not written twice. */
public final class SettingsTable {

    private SettingsTable() {
    }

    public static String markdown() {
        StringBuilder out = new StringBuilder();
        String group = null;
        List<ConfigDef.ConfigKey> keys = BallastConfig.DEFINITION.configKeys().values().stream().toList();
        for (ConfigDef.ConfigKey key : keys) {
            if (!key.group.equals(group)) {
                group = key.group;
                out.append("\n**").append(group).append("**\n\n")
                        .append("| key | default | valid values | description |\n")
                        .append("|---|---|---|---|\n");
            }
            out.append("| `").append(key.name).append("` | ")
                    .append(code(defaultOf(key))).append(" | ")
                    .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
                    .append(escape(key.documentation)).append(" |\n");
        }
        return out.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (key.defaultValue instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(key.defaultValue);
    }

    private static String code(String text) {
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
