package dev.ballast.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads CSV with a header row (RFC 4180 quoting; a field may not span lines). Columns, in any order:
 * <ul>
 *   <li>{@code label:<name>}: one per label, value 0 or 1;</li>
 *   <li>{@code id} (optional): the example's id, else {@code line-<n>};</li>
 *   <li>{@code time} (optional): the event time in epoch milliseconds, else the zero-based row index;</li>
 *   <li>{@code importance} (optional): the example's weight, else 1;</li>
 *   <li>every other column: a numeric feature, in column order. {@code NaN} and {@code Infinity} are read as
 *       such.</li>
 * </ul>
 * Every example is {@link Features.Dense}.
 */
final class CsvExampleSource extends LineSource {

    static final String LABEL_PREFIX = "label:";
    static final String ID_COLUMN = "id";
    static final String TIME_COLUMN = "time";
    static final String IMPORTANCE_COLUMN = "importance";

    /** What a column holds. */
    private enum Role { ID, TIME, IMPORTANCE, LABEL, FEATURE }

    private final List<String> labelNames;
    private final List<String> featureNames;
    private final List<String> columnNames;
    private final Role[] roles;
    /** The label or feature index of each column with that role. */
    private final int[] targets;

    CsvExampleSource(Path file) throws IOException {
        super(file);
        try {
            String header = nextRecordLine();
            if (header == null) {
                throw errorAfterLastLine("the file is empty; expected a header row");
            }
            columnNames = fields(header);
            roles = new Role[columnNames.size()];
            targets = new int[columnNames.size()];
            List<String> labels = new ArrayList<>();
            List<String> features = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int column = 0; column < columnNames.size(); column++) {
                String name = columnNames.get(column).strip();
                if (!seen.add(name)) {
                    throw error("column '" + name + "' appears twice in the header");
                }
                if (name.startsWith(LABEL_PREFIX)) {
                    if (name.length() == LABEL_PREFIX.length()) {
                        throw error("label column '" + name + "' has no label name");
                    }
                    roles[column] = Role.LABEL;
                    targets[column] = labels.size();
                    labels.add(name.substring(LABEL_PREFIX.length()));
                } else if (name.equals(ID_COLUMN)) {
                    roles[column] = Role.ID;
                } else if (name.equals(TIME_COLUMN)) {
                    roles[column] = Role.TIME;
                } else if (name.equals(IMPORTANCE_COLUMN)) {
                    roles[column] = Role.IMPORTANCE;
                } else {
                    roles[column] = Role.FEATURE;
                    targets[column] = features.size();
                    features.add(name);
                }
            }
            if (labels.isEmpty()) {
                throw error("the header names no label column; label columns are named 'label:<name>'");
            }
            if (features.isEmpty()) {
                throw error("the header names no feature column");
            }
            labelNames = List.copyOf(labels);
            featureNames = List.copyOf(features);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    Example parse(String line, long rowIndex) {
        List<String> values = fields(line);
        if (values.size() != columnNames.size()) {
            throw error("expected " + columnNames.size() + " values, found " + values.size());
        }
        String id = lineId();
        long time = rowIndex;
        float importance = 1;
        float[] features = new float[featureNames.size()];
        int[] positives = new int[labelNames.size()];
        int positiveCount = 0;
        for (int column = 0; column < values.size(); column++) {
            String value = values.get(column);
            String where = "column '" + columnNames.get(column) + "'";
            switch (roles[column]) {
                case ID -> id = value;
                case TIME -> time = parseTime(value.strip());
                case IMPORTANCE -> importance = parseFeature(value, where);
                case LABEL -> {
                    if (parseLabel(value, where)) {
                        positives[positiveCount++] = targets[column];
                    }
                }
                case FEATURE -> features[targets[column]] = parseFeature(value, where);
            }
        }
        return new Example(id, time, new Features.Dense(features), Arrays.copyOf(positives, positiveCount), importance);
    }

    private long parseTime(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw error("column 'time' must be epoch milliseconds, found '" + value + "'", e);
        }
    }

    private List<String> fields(String line) {
        try {
            return CsvFields.split(line);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage(), e);
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
