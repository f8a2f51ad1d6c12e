package dev.ballast.monitoring;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, written from its specification: every line must be
 * a {@code # HELP}, a {@code # TYPE} or a sample; a family's samples are contiguous after its one TYPE line; no
 * series appears twice. Fails with an {@link AssertionError} naming the line.
 */
final class ExpositionParser {

    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)(?: -?\\d+)?");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** Parsed samples: family name, then label set, then value. */
    record Exposition(Map<String, String> types, Map<String, Map<Map<String, String>, Double>> samples) {

        Optional<Double> value(String family, Map<String, String> labels) {
            return Optional.ofNullable(samples.getOrDefault(family, Map.of()).get(new TreeMap<>(labels)));
        }
    }

    private ExpositionParser() {
    }

    static Exposition parse(String text) {
        if (!text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        Map<String, String> types = new HashMap<>();
        Map<String, Map<Map<String, String>, Double>> samples = new HashMap<>();
        Set<String> closedFamilies = new HashSet<>();
        String currentFamily = null;
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = "line " + (i + 1) + " '" + line + "': ";
            Matcher help = HELP.matcher(line);
            Matcher type = TYPE.matcher(line);
            Matcher sample = SAMPLE.matcher(line);
            String family;
            if (help.matches()) {
                family = help.group(1);
            } else if (type.matches()) {
                family = type.group(1);
                if (types.put(family, type.group(2)) != null || samples.containsKey(family)) {
                    throw new AssertionError(where + "TYPE must come once, before the family's samples");
                }
            } else if (sample.matches()) {
                family = sample.group(1);
                Map<String, String> labels = sample.group(2) == null ? new TreeMap<>() : labels(sample.group(2), where);
                if (samples.computeIfAbsent(family, name -> new HashMap<>()).put(labels, value(sample.group(3), where)) != null) {
                    throw new AssertionError(where + "duplicate series");
                }
            } else {
                throw new AssertionError(where + "neither a comment nor a sample");
            }
            if (!family.equals(currentFamily)) {
                if (currentFamily != null) {
                    closedFamilies.add(currentFamily);
                }
                if (closedFamilies.contains(family)) {
                    throw new AssertionError(where + "family " + family + " is split");
                }
                currentFamily = family;
            }
        }
        return new Exposition(types, samples);
    }

    private static double value(String text, String where) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new AssertionError(where + "bad value " + text);
                }
            }
        };
    }

    /** name="value" pairs separated by commas; values escape backslash, double quote and line feed. */
    private static Map<String, String> labels(String text, String where) {
        Map<String, String> labels = new TreeMap<>();
        int at = 0;
        while (at < text.length()) {
            int equals = text.indexOf("=\"", at);
            if (equals < 0 || !LABEL_NAME.matcher(text.substring(at, equals)).matches()) {
                throw new AssertionError(where + "bad label name at " + at);
            }
            String name = text.substring(at, equals);
            StringBuilder value = new StringBuilder();
            int i = equals + 2;
            while (true) {
                if (i >= text.length()) {
                    throw new AssertionError(where + "unterminated label value");
                }
                char c = text.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    char escaped = text.charAt(i++);
                    switch (escaped) {
                        case '\\', '"' -> value.append(escaped);
                        case 'n' -> value.append('\n');
                        default -> throw new AssertionError(where + "bad escape \\" + escaped);
                    }
                } else {
                    value.append(c);
                }
            }
            if (labels.put(name, value.toString()) != null) {
                throw new AssertionError(where + "label " + name + " twice");
            }
            if (i < text.length()) {
                if (text.charAt(i) != ',') {
                    throw new AssertionError(where + "expected ',' after label " + name);
                }
                i++;
            }
            at = i;
        }
        return labels;
    }
}
