package dev.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the deployment files under {@code docker/}: the compose file, other YAML, and the Dockerfile. */
final class DeploymentFiles {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DOCKER = ROOT.resolve("docker");

    /** {@code name:tag} or {@code name@sha256:...}; a tag of {@code latest} is no pin. */
    private static final Pattern PINNED_IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/-]*(:(?!latest$)[\\w][\\w.-]*|@sha256:[0-9a-f]{64})");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeploymentFiles() {
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode composeServices() {
        return yaml(DOCKER.resolve("compose.yaml")).path("services");
    }

    static boolean isPinned(String image) {
        return PINNED_IMAGE.matcher(image).matches();
    }

    /** The {@code --set KEY=VALUE} settings of a compose service's command, later ones winning. */
    static Map<String, String> settings(JsonNode service) {
        List<String> command = command(service);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < command.size() - 1; i++) {
            if (command.get(i).equals("--set")) {
                String setting = command.get(i + 1);
                int equals = setting.indexOf('=');
                settings.put(setting.substring(0, equals), setting.substring(equals + 1));
            }
        }
        return settings;
    }

    /** The value following {@code option} in a compose service's command. */
    static String optionValue(JsonNode service, String option) {
        List<String> command = command(service);
        int at = command.indexOf(option);
        if (at < 0 || at == command.size() - 1) {
            throw new AssertionError("no " + option + " VALUE in " + command);
        }
        return command.get(at + 1);
    }

    static List<String> command(JsonNode service) {
        List<String> command = new ArrayList<>();
        service.path("command").forEach(argument -> command.add(argument.asText()));
        return command;
    }

    /** The port of {@code host:port} or of a URL. */
    static int port(String address) {
        return address.contains("://") ? URI.create(address).getPort() : Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** The host of {@code host:port} or of a URL. */
    static String host(String address) {
        return address.contains("://") ? URI.create(address).getHost() : address.substring(0, address.lastIndexOf(':'));
    }

    /** A Dockerfile instruction: its keyword (upper case) and its arguments with continuation lines joined. */
    record Instruction(String keyword, String arguments) {
    }

    static List<Instruction> dockerfile() {
        List<String> lines;
        try {
            lines = Files.readAllLines(DOCKER.resolve("Dockerfile"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            pending.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                String text = pending.toString().strip();
                int space = text.indexOf(' ');
                instructions.add(new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT),
                        text.substring(space + 1).strip()));
                pending.setLength(0);
            }
        }
        return instructions;
    }

    /** The instructions of the last stage (from its {@code FROM} on): what the image is made of. */
    static List<Instruction> runtimeStage() {
        List<Instruction> instructions = dockerfile();
        int lastFrom = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                lastFrom = i;
            }
        }
        return instructions.subList(lastFrom, instructions.size());
    }

    /** The first group of the first match of {@code pattern} in {@code text}. */
    static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new AssertionError("no " + pattern + " in " + text);
        }
        return matcher.group(1);
    }
}
