package dev.ballast.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/** What every file writer shares: the names it was opened with, checking examples against them, the file. */
abstract class FileExampleWriter implements ExampleWriter {

    final List<String> labelNames;
    final List<String> featureNames;
    final Writer out;

    FileExampleWriter(Path file, List<String> labelNames, List<String> featureNames) throws IOException {
        this.labelNames = List.copyOf(labelNames);
        this.featureNames = List.copyOf(featureNames);
        if (labelNames.isEmpty() || featureNames.isEmpty()) {
            throw new IllegalArgumentException("need at least one label and one feature");
        }
        requireUnique(labelNames, "label");
        requireUnique(featureNames, "feature");
        this.out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    private static void requireUnique(List<String> names, String kind) {
        if (new HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("duplicate " + kind + " names in " + names);
        }
    }

    @Override
    public final void write(Example example) throws IOException {
        int[] positives = example.positiveLabels();
        if (positives.length > 0 && positives[positives.length - 1] >= labelNames.size()) {
            throw new IllegalArgumentException(example.id() + ": label index " + positives[positives.length - 1]
                    + " beyond the " + labelNames.size() + " labels");
        }
        if (example.features() instanceof Features.Dense dense && dense.values().length != featureNames.size()) {
            throw new IllegalArgumentException(example.id() + ": " + dense.values().length + " features, expected "
                    + featureNames.size());
        }
        if (example.features() instanceof Features.Sparse sparse && sparse.indices().length > 0
                && sparse.indices()[sparse.indices().length - 1] >= featureNames.size()) {
            throw new IllegalArgumentException(example.id() + ": feature index "
                    + sparse.indices()[sparse.indices().length - 1] + " beyond the " + featureNames.size() + " features");
        }
        writeChecked(example);
    }

    /** Writes an example that fits the labels and features. */
    abstract void writeChecked(Example example) throws IOException;

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Java's shortest round-tripping form, which every reader here parses back to the same float. */
    static String number(float value) {
        return Float.toString(value);
    }

    /** The dense vector of any features. */
    static float[] dense(Features features, int featureCount) {
        if (features instanceof Features.Dense dense) {
            return dense.values();
        }
        Features.Sparse sparse = (Features.Sparse) features;
        float[] values = new float[featureCount];
        for (int i = 0; i < sparse.indices().length; i++) {
            values[sparse.indices()[i]] = sparse.values()[i];
        }
        return values;
    }
}
