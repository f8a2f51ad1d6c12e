package dev.ballast.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads MEKA's multi-label ARFF.
 *
 * <ul>
 *   <li>{@code @relation 'Name: -C N ...'}: {@code -C N} says the first N attributes are the labels; a negative N
 *       says the last |N| are.</li>
 *   <li>Label attributes are {@code numeric} or nominal {@code {0,1}}, with values 0 or 1. Feature attributes are
 *       {@code numeric}/{@code real}/{@code integer}, or nominal with numeric values (read as those numbers);
 *       string, date and relational attributes are refused.</li>
 *   <li>Dense rows list every attribute, comma separated; sparse rows {@code {index value, ...}} list attributes
 *       by zero-based index, ascending, omitted ones being 0, and become {@link Features.Sparse} with indices
 *       counted over the features only. A row may end with Weka's instance weight {@code ,{w}}, read as the
 *       importance. A missing value {@code ?} is an error.</li>
 *   <li>Keywords are case-insensitive, names may be quoted, lines starting with {@code %} are comments.</li>
 * </ul>
 * The id of an example is {@code line-<n>}, its event time the zero-based row index.
 */
final class ArffExampleSource extends LineSource {

    private static final Pattern LABEL_COUNT = Pattern.compile("(?:^|[\\s:])-C\\s*(-?\\d+)");
    private static final Pattern INSTANCE_WEIGHT = Pattern.compile(",\\s*\\{(.*)}");
    private static final Set<String> NUMERIC_TYPES = Set.of("numeric", "real", "integer");

    /** An attribute as declared; {@code nominalValues} is null for a numeric one. */
    private record Attribute(String name, List<String> nominalValues) {}

    private final List<String> labelNames;
    private final List<String> featureNames;
    private final List<Attribute> attributes;
    private final int labelCount;
    /** The index of the first label attribute: 0, or the feature count when the labels come last. */
    private final int firstLabel;

    ArffExampleSource(Path file) throws IOException {
        super(file);
        try {
            int signedLabelCount = readRelation();
            attributes = readAttributes();
            this.labelCount = Math.abs(signedLabelCount);
            if (labelCount > attributes.size()) {
                throw error("-C " + signedLabelCount + " names more labels than the " + attributes.size() + " attributes");
            }
            firstLabel = signedLabelCount > 0 ? 0 : attributes.size() - labelCount;
            List<String> labelNamesSoFar = new ArrayList<>();
            List<String> featureNamesSoFar = new ArrayList<>();
            for (int i = 0; i < attributes.size(); i++) {
                (isLabel(i) ? labelNamesSoFar : featureNamesSoFar).add(attributes.get(i).name());
            }
            labelNames = List.copyOf(labelNamesSoFar);
            featureNames = List.copyOf(featureNamesSoFar);
            checkLabelAttributes();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private int readRelation() {
        String line = nextRecordLine();
        if (line == null) {
            throw errorAfterLastLine("the file is empty");
        }
        String[] keywordAndRest = splitKeyword(line);
        if (!keywordAndRest[0].equals("@relation")) {
            throw error("expected @relation, found '" + line.strip() + "'");
        }
        String relation = unquote(keywordAndRest[1]);
        Matcher option = LABEL_COUNT.matcher(relation);
        if (!option.find()) {
            throw error("@relation must carry MEKA's -C option giving the number of labels, as in 'Name: -C 6'");
        }
        int count = Integer.parseInt(option.group(1));
        if (count == 0) {
            throw error("-C 0: a multi-label data set needs at least one label");
        }
        return count;
    }

    private List<Attribute> readAttributes() {
        List<Attribute> declared = new ArrayList<>();
        for (String line = nextRecordLine(); line != null; line = nextRecordLine()) {
            String[] keywordAndRest = splitKeyword(line);
            switch (keywordAndRest[0]) {
                case "@attribute" -> declared.add(parseAttribute(keywordAndRest[1]));
                case "@data" -> {
                    if (declared.isEmpty()) {
                        throw error("@data before any @attribute");
                    }
                    return declared;
                }
                default -> throw error("expected @attribute or @data, found '" + line.strip() + "'");
            }
        }
        throw errorAfterLastLine("no @data section");
    }

    private Attribute parseAttribute(String declaration) {
        String name;
        String type;
        char first = declaration.isEmpty() ? ' ' : declaration.charAt(0);
        if (first == '\'' || first == '"') {
            int end = closingQuote(declaration, first);
            name = declaration.substring(1, end).replace("\\" + first, String.valueOf(first));
            type = declaration.substring(end + 1).strip();
        } else {
            String[] parts = declaration.split("\\s+", 2);
            name = parts[0];
            type = parts.length > 1 ? parts[1].strip() : "";
        }
        if (name.isEmpty() || type.isEmpty()) {
            throw error("@attribute needs a name and a type");
        }
        if (NUMERIC_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
            return new Attribute(name, null);
        }
        if (type.startsWith("{") && type.endsWith("}")) {
            List<String> values = new ArrayList<>();
            for (String value : type.substring(1, type.length() - 1).split(",", -1)) {
                values.add(unquote(value.strip()));
            }
            return new Attribute(name, List.copyOf(values));
        }
        throw error("attribute '" + name + "' has type " + type
                + "; only numeric and nominal attributes are supported");
    }

    private int closingQuote(String text, char quote) {
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                i++;
            } else if (text.charAt(i) == quote) {
                return i;
            }
        }
        throw error("unclosed quote in '" + text + "'");
    }

    private void checkLabelAttributes() {
        for (int i = 0; i < attributes.size(); i++) {
            List<String> nominal = attributes.get(i).nominalValues();
            if (nominal == null) {
                continue;
            }
            if (isLabel(i) && !(nominal.size() == 2 && nominal.containsAll(List.of("0", "1")))) {
                throw error("label attribute '" + attributes.get(i).name() + "' must be numeric or {0,1}, found " + nominal);
            }
            for (String value : nominal) {
                parseFeature(value, "the values of nominal attribute '" + attributes.get(i).name() + "'");
            }
        }
    }

    private boolean isLabel(int attribute) {
        return attribute >= firstLabel && attribute < firstLabel + labelCount;
    }

    @Override
    boolean isRecord(String line) {
        String stripped = line.strip();
        return !stripped.isEmpty() && stripped.charAt(0) != '%';
    }

    @Override
    Example parse(String line, long rowIndex) {
        String row = line.strip();
        return row.charAt(0) == '{' ? parseSparse(row, rowIndex) : parseDense(row, rowIndex);
    }

    private Example parseDense(String row, long rowIndex) {
        String values = row;
        float importance = 1;
        if (row.endsWith("}")) {
            int weightStart = row.lastIndexOf(',', row.lastIndexOf('{'));
            importance = parseInstanceWeight(row.substring(Math.max(weightStart, 0)));
            values = row.substring(0, Math.max(weightStart, 0));
        }
        String[] tokens = values.split(",", -1);
        if (tokens.length != attributes.size()) {
            throw error("expected " + attributes.size() + " values, found " + tokens.length);
        }
        float[] features = new float[featureNames.size()];
        int[] positives = new int[labelNames.size()];
        int positiveCount = 0;
        for (int i = 0; i < tokens.length; i++) {
            String value = valueOf(tokens[i], i);
            if (isLabel(i)) {
                if (parseLabel(value, where(i))) {
                    positives[positiveCount++] = i - firstLabel;
                }
            } else {
                features[featureIndex(i)] = parseFeature(value, where(i));
            }
        }
        return new Example(lineId(), rowIndex, new Features.Dense(features),
                Arrays.copyOf(positives, positiveCount), importance);
    }

    private Example parseSparse(String row, long rowIndex) {
        int end = row.indexOf('}');
        if (end < 0) {
            throw error("sparse row without a closing '}'");
        }
        float importance = parseInstanceWeight(row.substring(end + 1).strip());
        String body = row.substring(1, end);
        String[] entries = body.isBlank() ? new String[0] : body.split(",", -1);
        int[] indices = new int[entries.length];
        float[] values = new float[entries.length];
        int[] positives = new int[labelNames.size()];
        int featureCount = 0;
        int positiveCount = 0;
        int previous = -1;
        for (String entry : entries) {
            String[] indexAndValue = entry.strip().split("\\s+", 2);
            if (indexAndValue.length != 2) {
                throw error("sparse entry must be 'index value', found '" + entry.strip() + "'");
            }
            int attribute = parseAttributeIndex(indexAndValue[0]);
            if (attribute <= previous) {
                throw error("sparse indices must be ascending and unique: " + attribute + " after " + previous);
            }
            previous = attribute;
            String value = valueOf(indexAndValue[1], attribute);
            if (isLabel(attribute)) {
                if (parseLabel(value, where(attribute))) {
                    positives[positiveCount++] = attribute - firstLabel;
                }
            } else {
                indices[featureCount] = featureIndex(attribute);
                values[featureCount++] = parseFeature(value, where(attribute));
            }
        }
        return new Example(lineId(), rowIndex,
                new Features.Sparse(Arrays.copyOf(indices, featureCount), Arrays.copyOf(values, featureCount)),
                Arrays.copyOf(positives, positiveCount), importance);
    }

    private int parseAttributeIndex(String token) {
        int attribute;
        try {
            attribute = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw error("not an attribute index: '" + token + "'", e);
        }
        if (attribute < 0 || attribute >= attributes.size()) {
            throw error("attribute index " + attribute + " out of range 0.." + (attributes.size() - 1));
        }
        return attribute;
    }

    /** Weka's optional trailing instance weight, {@code ,{w}}; absent means 1. */
    private float parseInstanceWeight(String suffix) {
        if (suffix.isEmpty()) {
            return 1;
        }
        Matcher weight = INSTANCE_WEIGHT.matcher(suffix);
        if (!weight.matches()) {
            throw error("unexpected text after the row: '" + suffix + "'");
        }
        return parseFeature(weight.group(1), "the instance weight");
    }

    private String valueOf(String token, int attribute) {
        String value = unquote(token.strip());
        if (value.equals("?")) {
            throw error("missing value '?' for attribute '" + attributes.get(attribute).name() + "'");
        }
        return value;
    }

    private String where(int attribute) {
        return "attribute '" + attributes.get(attribute).name() + "'";
    }

    private int featureIndex(int attribute) {
        return attribute < firstLabel ? attribute : attribute - labelCount;
    }

    /** The lower-cased keyword of a header line and the rest of the line, stripped. */
    private static String[] splitKeyword(String line) {
        String[] parts = line.strip().split("\\s+", 2);
        return new String[] {parts[0].toLowerCase(Locale.ROOT), parts.length > 1 ? parts[1].strip() : ""};
    }

    private static String unquote(String text) {
        if (text.length() >= 2) {
            char first = text.charAt(0);
            if ((first == '\'' || first == '"') && text.charAt(text.length() - 1) == first) {
                return text.substring(1, text.length() - 1);
            }
        }
        return text;
    }

    @Override
    public List<String> labelNames() {
        return labelNames;
    }

    @Override
    public List<String> featureNames() {
        return featureNames;
    }
}
