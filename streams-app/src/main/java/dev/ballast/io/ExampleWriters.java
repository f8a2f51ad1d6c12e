package dev.ballast.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Opens writers of example files. */
public final class ExampleWriters {

    private ExampleWriters() {}

    /**
     * Creates (or replaces) a data file in the given format, writing its header now. What each format keeps:
     * JSONL keeps everything; CSV writes sparse features densely; ARFF (MEKA, labels first) keeps sparseness and
     * importance but not ids or event times, which read back as {@code line-<n>} and the row index.
     *
     * @param labelNames   the label set; {@link Example#positiveLabels()} index into it
     * @param featureNames one name per feature
     * @throws IllegalArgumentException when the names cannot be written in the format (duplicates, or a CSV
     *                                  feature named like a reserved column)
     */
    public static ExampleWriter open(Path file, DataFormat format, List<String> labelNames, List<String> featureNames)
            throws IOException {
        return switch (format) {
            case ARFF -> new ArffExampleWriter(file, labelNames, featureNames);
            case CSV -> new CsvExampleWriter(file, labelNames, featureNames);
            case JSONL -> new JsonlExampleWriter(file, labelNames, featureNames);
        };
    }
}
