package dev.ballast.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/** Merges a properties file and {@code KEY=VALUE} overrides, later ones winning. */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * @param file properties file, or null for none
     * @param defaults properties applied before the file (e.g. a command's own defaults)
     * @param overrides {@code KEY=VALUE} strings applied last
     */
    public static Map<String, String> load(Path file, Map<String, String> defaults, List<String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        if (file != null) {
            merged.putAll(readFile(file));
        }
        for (String override : overrides) {
            int equals = override.indexOf('=');
            if (equals <= 0) {
                throw new ConfigException("--set expects KEY=VALUE, got '" + override + "'");
            }
            merged.put(override.substring(0, equals).trim(), override.substring(equals + 1).trim());
        }
        return merged;
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Config file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name).trim()));
        return values;
    }
}
