package dev.ballast.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleWritersTest {

    private static final List<String> LABELS = List.of("rare", "it's, common");
    private static final List<String> FEATURES = List.of("x", "y \"quoted\"", "z");
    private static final List<Example> EXAMPLES = List.of(
            new Example("e,1", 1_700_000_000_000L, new Features.Dense(new float[] {0.1f, -1e-20f, 3.4e38f}), new int[] {0, 1}, 1),
            new Example("e2", 5, new Features.Dense(new float[] {Float.NaN, Float.NEGATIVE_INFINITY, 0}), new int[0], 2.5f),
            new Example("e3", 6, new Features.Sparse(new int[] {0, 2}, new float[] {1.5f, Float.POSITIVE_INFINITY}), new int[] {1}, 0),
            new Example("e4", 7, new Features.Sparse(new int[0], new float[0]), new int[0], 1));

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripEverythingThroughJsonl() throws IOException {
        assertEquals(EXAMPLES, roundTrip(DataFormat.JSONL));
    }

    @Test
    void shouldRoundTripThroughCsvWithSparseFeaturesMadeDense() throws IOException {
        List<Example> expected = new ArrayList<>();
        for (Example example : EXAMPLES) {
            expected.add(new Example(example.id(), example.eventTime(),
                    new Features.Dense(FileExampleWriter.dense(example.features(), FEATURES.size())),
                    example.positiveLabels(), example.importance()));
        }
        assertEquals(expected, roundTrip(DataFormat.CSV));
    }

    @Test
    void shouldRoundTripThroughArffExceptIdsAndTimes() throws IOException {
        List<Example> expected = new ArrayList<>();
        for (int row = 0; row < EXAMPLES.size(); row++) {
            Example example = EXAMPLES.get(row);
            long line = 2 + LABELS.size() + FEATURES.size() + 3 + row;
            expected.add(new Example("line-" + line, row, example.features(), example.positiveLabels(), example.importance()));
        }
        assertEquals(expected, roundTrip(DataFormat.ARFF));
    }

    @Test
    void shouldRejectAnExampleThatDoesNotFit() throws IOException {
        try (ExampleWriter writer = ExampleWriters.open(dir.resolve("out.jsonl"), DataFormat.JSONL, LABELS, FEATURES)) {
            Features twoValues = new Features.Dense(new float[2]);
            assertThrows(IllegalArgumentException.class, () -> writer.write(new Example("a", 0, twoValues, new int[0], 1)));
            Features beyond = new Features.Sparse(new int[] {3}, new float[] {1});
            assertThrows(IllegalArgumentException.class, () -> writer.write(new Example("b", 0, beyond, new int[0], 1)));
            Features fits = new Features.Dense(new float[3]);
            assertThrows(IllegalArgumentException.class, () -> writer.write(new Example("c", 0, fits, new int[] {2}, 1)));
        }
    }

    @Test
    void shouldRefuseCsvFeatureNamesThatCollideWithReservedColumnsLeavingAnExistingFileAsItWas() throws IOException {
        Path existing = dir.resolve("out.csv");
        java.nio.file.Files.writeString(existing, "kept\n");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ExampleWriters.open(existing, DataFormat.CSV, LABELS, List.of("x", "time")));
        assertTrue(refused.getMessage().contains("'time'") && refused.getMessage().contains("ARFF or JSONL"),
                refused.getMessage());
        assertEquals("kept\n", java.nio.file.Files.readString(existing));
    }

    private List<Example> roundTrip(DataFormat format) throws IOException {
        Path file = dir.resolve("examples." + format.name().toLowerCase());
        try (ExampleWriter writer = ExampleWriters.open(file, format, LABELS, FEATURES)) {
            for (Example example : EXAMPLES) {
                writer.write(example);
            }
        }
        List<Example> read = new ArrayList<>();
        try (ExampleSource source = ExampleSources.open(file, DataFormat.fromFileName(file))) {
            assertEquals(LABELS, source.labelNames());
            assertEquals(FEATURES, source.featureNames());
            source.forEachRemaining(read::add);
        }
        return read;
    }
}
