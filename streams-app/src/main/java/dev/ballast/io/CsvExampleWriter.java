package dev.ballast.io;

import static dev.ballast.io.CsvExampleSource.ID_COLUMN;
import static dev.ballast.io.CsvExampleSource.IMPORTANCE_COLUMN;
import static dev.ballast.io.CsvExampleSource.LABEL_PREFIX;
import static dev.ballast.io.CsvExampleSource.TIME_COLUMN;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes the CSV layout of {@link CsvExampleSource}: {@code id,time,importance}, the labels, the features. */
final class CsvExampleWriter extends FileExampleWriter {

    CsvExampleWriter(Path file, List<String> labelNames, List<String> featureNames) throws IOException {
        // Checked before the file is opened: a refused export leaves an existing file as it was.
        super(file, labelNames, writableFeatureNames(featureNames));
        try {
            StringBuilder header = new StringBuilder(ID_COLUMN + ',' + TIME_COLUMN + ',' + IMPORTANCE_COLUMN);
            for (String label : labelNames) {
                header.append(',').append(CsvFields.quote(LABEL_PREFIX + label));
            }
            for (String feature : featureNames) {
                header.append(',').append(CsvFields.quote(feature));
            }
            out.write(header.append('\n').toString());
        } catch (RuntimeException | IOException e) {
            out.close();
            throw e;
        }
    }

    /** @throws IllegalArgumentException naming a feature whose name is one of the layout's own columns */
    private static List<String> writableFeatureNames(List<String> featureNames) {
        for (String feature : featureNames) {
            if (feature.startsWith(LABEL_PREFIX) || List.of(ID_COLUMN, TIME_COLUMN, IMPORTANCE_COLUMN).contains(feature)) {
                throw new IllegalArgumentException("feature name '" + feature + "' is reserved in CSV (the columns "
                        + ID_COLUMN + ", " + TIME_COLUMN + ", " + IMPORTANCE_COLUMN + " and " + LABEL_PREFIX
                        + "<name>); write ARFF or JSONL instead");
            }
        }
        return featureNames;
    }

    @Override
    void writeChecked(Example example) throws IOException {
        StringBuilder row = new StringBuilder(CsvFields.quote(example.id()))
                .append(',').append(example.eventTime())
                .append(',').append(number(example.importance()));
        boolean[] positive = new boolean[labelNames.size()];
        for (int label : example.positiveLabels()) {
            positive[label] = true;
        }
        for (boolean isPositive : positive) {
            row.append(isPositive ? ",1" : ",0");
        }
        for (float value : dense(example.features(), featureNames.size())) {
            row.append(',').append(number(value));
        }
        out.write(row.append('\n').toString());
    }
}
