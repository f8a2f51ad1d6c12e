package dev.ballast.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON Lines: one JSON object per line, blank lines ignored. The first line is the header, then one line
 * per example, with the field names of the Avro {@code LabelledEvent}:
 * <pre>{@code
 * {"labels":["rare","common"],"featureCount":3,"featureNames":["x0","x1","x2"]}
 * {"id":"e1","eventTime":1700000000000,"features":[0.5,-1.25,0.0],"labels":["common"],"importance":1.0}
 * {"id":"e2","eventTime":1700000000001,"features":{"indices":[0,2],"values":[0.5,2.0]},"labels":[]}
 * }</pre>
 * Header: {@code labels} (required, unique names), {@code featureCount} (required, positive),
 * {@code featureNames} (optional, {@code featureCount} of them; else {@code x0, x1, ...}).
 * Example: {@code features} (required): an array of {@code featureCount} numbers, or an object of ascending
 * unique {@code indices} below {@code featureCount} and their {@code values}; {@code labels}: the names of the
 * positive labels (default none); {@code id} (default {@code line-<n>}); {@code eventTime} in epoch milliseconds
 * (default the zero-based row index); {@code importance} (default 1). Any other field is an error, so that a
 * misspelt {@code labels} cannot silently make every label negative. Numbers may be {@code NaN},
 * {@code Infinity} and {@code -Infinity}, as Python's {@code json} module writes them.
 */
final class JsonlExampleSource extends LineSource {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final List<String> labelNames;
    private final Map<String, Integer> labelIndex = new HashMap<>();
    private final List<String> featureNames;

    JsonlExampleSource(Path file) throws IOException {
        super(file);
        try {
            String header = nextRecordLine();
            if (header == null) {
                throw errorAfterLastLine("the file is empty; expected a header line such as "
                        + "{\"labels\":[\"a\",\"b\"],\"featureCount\":30}");
            }
            List<String> labels = null;
            List<String> names = null;
            int featureCount = -1;
            try (JsonParser parser = JSON.createParser(header)) {
                startObject(parser);
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    switch (field) {
                        case "labels" -> labels = strings(parser, field);
                        case "featureCount" -> featureCount = positiveInt(parser, field);
                        case "featureNames" -> names = strings(parser, field);
                        default -> throw error("unknown header field '" + field
                                + "'; expected labels, featureCount, featureNames");
                    }
                }
                endObject(parser);
            }
            if (labels == null || labels.isEmpty() || featureCount < 0) {
                throw error("the header must give a non-empty 'labels' and a 'featureCount'");
            }
            for (String label : labels) {
                if (labelIndex.putIfAbsent(label, labelIndex.size()) != null) {
                    throw error("label '" + label + "' declared twice");
                }
            }
            if (names != null && names.size() != featureCount) {
                throw error("featureNames has " + names.size() + " names but featureCount is " + featureCount);
            }
            labelNames = List.copyOf(labels);
            featureNames = names == null ? numberedFeatureNames(featureCount) : List.copyOf(names);
        } catch (JsonProcessingException e) {
            close();
            throw error("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    Example parse(String line, long rowIndex) {
        String id = null;
        long eventTime = rowIndex;
        Features features = null;
        int[] positives = new int[0];
        float importance = 1;
        try (JsonParser parser = JSON.createParser(line)) {
            startObject(parser);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "id" -> id = string(parser, field);
                    case "eventTime" -> eventTime = longValue(parser, field);
                    case "features" -> features = features(parser);
                    case "labels" -> positives = positiveLabels(parser);
                    case "importance" -> importance = floatValue(parser, field);
                    default -> throw error("unknown field '" + field
                            + "'; expected id, eventTime, features, labels, importance");
                }
            }
            endObject(parser);
        } catch (JsonProcessingException e) {
            throw error("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (features == null) {
            throw error("missing 'features'");
        }
        return new Example(id == null ? lineId() : id, eventTime, features, positives, importance);
    }

    private Features features(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.START_ARRAY) {
            float[] values = floats(parser, "features");
            if (values.length != featureNames.size()) {
                throw error("expected " + featureNames.size() + " feature values, found " + values.length);
            }
            return new Features.Dense(values);
        }
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw error("'features' must be an array of numbers or an object of indices and values");
        }
        int[] indices = null;
        float[] values = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "indices" -> indices = indices(parser);
                case "values" -> values = floats(parser, "features.values");
                default -> throw error("unknown field 'features." + field + "'; expected indices, values");
            }
        }
        if (indices == null || values == null) {
            throw error("sparse 'features' needs both 'indices' and 'values'");
        }
        if (indices.length != values.length) {
            throw error("sparse 'features' has " + indices.length + " indices but " + values.length + " values");
        }
        return new Features.Sparse(indices, values);
    }

    private int[] indices(JsonParser parser) throws IOException {
        expectArray(parser, "features.indices");
        int[] indices = new int[8];
        int count = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw error("'features.indices' must hold integers, found " + parser.getText());
            }
            long index = parser.getLongValue();
            if (index < 0 || index >= featureNames.size()) {
                throw error("feature index " + index + " out of range 0.." + (featureNames.size() - 1));
            }
            if (count > 0 && index <= indices[count - 1]) {
                throw error("sparse indices must be ascending and unique: " + index + " after " + indices[count - 1]);
            }
            if (count == indices.length) {
                indices = Arrays.copyOf(indices, 2 * count);
            }
            indices[count++] = (int) index;
        }
        return Arrays.copyOf(indices, count);
    }

    private float[] floats(JsonParser parser, String field) throws IOException {
        expectArray(parser, field);
        float[] values = new float[Math.max(featureNames.size(), 1)];
        int count = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (count == values.length) {
                values = Arrays.copyOf(values, 2 * count);
            }
            values[count++] = floatValue(parser, field);
        }
        return count == values.length ? values : Arrays.copyOf(values, count);
    }

    private int[] positiveLabels(JsonParser parser) throws IOException {
        expectArray(parser, "labels");
        boolean[] positive = new boolean[labelNames.size()];
        int count = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            String name = string(parser, "labels");
            Integer index = labelIndex.get(name);
            if (index == null) {
                throw error("unknown label '" + name + "'; the header declares " + labelNames);
            }
            if (positive[index]) {
                throw error("label '" + name + "' listed twice");
            }
            positive[index] = true;
            count++;
        }
        int[] positives = new int[count];
        for (int label = 0, next = 0; next < count; label++) {
            if (positive[label]) {
                positives[next++] = label;
            }
        }
        return positives;
    }

    private float floatValue(JsonParser parser, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw error("'" + field + "' must hold numbers, found " + parser.getText());
        }
        // Parsing the text directly as a float avoids the double rounding of (float) getDoubleValue().
        return parser.isNaN() ? (float) parser.getDoubleValue() : Float.parseFloat(parser.getText());
    }

    private long longValue(JsonParser parser, String field) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw error("'" + field + "' must be an integer, found " + parser.getText());
        }
        return parser.getLongValue();
    }

    private int positiveInt(JsonParser parser, String field) throws IOException {
        long value = longValue(parser, field);
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw error("'" + field + "' must be a positive integer, found " + value);
        }
        return (int) value;
    }

    private String string(JsonParser parser, String field) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw error("'" + field + "' must hold strings, found " + parser.getText());
        }
        return parser.getText();
    }

    private List<String> strings(JsonParser parser, String field) throws IOException {
        expectArray(parser, field);
        List<String> values = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            values.add(string(parser, field));
        }
        return values;
    }

    private void expectArray(JsonParser parser, String field) {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw error("'" + field + "' must be an array");
        }
    }

    private void startObject(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw error("expected a JSON object");
        }
    }

    private void endObject(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw error("text after the JSON object");
        }
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
