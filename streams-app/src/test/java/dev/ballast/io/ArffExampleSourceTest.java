package dev.ballast.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArffExampleSourceTest {

    private static final Path SHARED_DATA = Path.of("/work/shared/data");

    private static final String HEADER = """
            % a comment
            @RELATION 'Tiny: -C 2 -split-number 3'

            @attribute 'first label' {0,1}
            @Attribute second numeric
            @attribute f1 NUMERIC
            @attribute "f 2" real
            @attribute f3 {1,2,3}

            @DATA
            """;

    @TempDir
    Path dir;

    @Test
    void shouldReadDenseRowsWithLabelsFirst() throws IOException {
        try (ExampleSource source = open(HEADER + "1,0,0.5,-2,3\n% comment\n\n0,1,NaN,1e3,1,{2.5}\n")) {
            assertEquals(List.of("first label", "second"), source.labelNames());
            assertEquals(List.of("f1", "f 2", "f3"), source.featureNames());
            assertEquals(new Example("line-11", 0, new Features.Dense(new float[] {0.5f, -2, 3}), new int[] {0}, 1),
                    source.next());
            assertEquals(new Example("line-14", 1, new Features.Dense(new float[] {Float.NaN, 1000, 1}), new int[] {1}, 2.5f),
                    source.next());
            assertFalse(source.hasNext());
            assertEquals(source.size(), source.position());
        }
    }

    @Test
    void shouldTakeTheLastAttributesAsLabelsWhenTheCountIsNegative() throws IOException {
        String header = "@relation 'x: -C -2'\n@attribute a numeric\n@attribute b numeric\n"
                + "@attribute l1 {0,1}\n@attribute l2 {0,1}\n@data\n";
        try (ExampleSource source = open(header + "0.1,0.2,0,1\n{1 4,3 1}\n")) {
            assertEquals(List.of("l1", "l2"), source.labelNames());
            Example dense = source.next();
            assertEquals(new Features.Dense(new float[] {0.1f, 0.2f}), dense.features());
            assertArrayEquals(new int[] {1}, dense.positiveLabels());
            Example sparse = source.next();
            assertEquals(new Features.Sparse(new int[] {1}, new float[] {4}), sparse.features());
            assertArrayEquals(new int[] {1}, sparse.positiveLabels());
        }
    }

    @Test
    void shouldRenumberSparseFeaturesPastTheLabels() throws IOException {
        try (ExampleSource source = open(HEADER + "{0 1, 3 7.5, 4 2}, {0.5}\n{}\n")) {
            Example example = source.next();
            Features.Sparse features = assertInstanceOf(Features.Sparse.class, example.features());
            assertArrayEquals(new int[] {1, 2}, features.indices());
            assertArrayEquals(new float[] {7.5f, 2}, features.values());
            assertArrayEquals(new int[] {0}, example.positiveLabels());
            assertEquals(0.5f, example.importance());
            assertEquals(new Features.Sparse(new int[0], new float[0]), source.next().features());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "wrong value count       | 1,0,0.5,2                | 11 | expected 5 values, found 4",
        "non-numeric feature     | 1,0,abc,2,3              | 11 | not a number in attribute 'f1': 'abc'",
        "hex is not a number     | 1,0,0x10,2,3             | 11 | not a number",
        "label not 0 or 1        | 2,0,1,2,3                | 11 | label value must be 0 or 1 in attribute 'first label'",
        "missing value           | 1,0,?,2,3                | 11 | missing value '?' for attribute 'f1'",
        "sparse index too large  | {0 1, 5 2}               | 11 | attribute index 5 out of range 0..4",
        "sparse unsorted         | {3 1, 2 2}               | 11 | sparse indices must be ascending and unique: 2 after 3",
        "sparse duplicate        | {2 1, 2 2}               | 11 | sparse indices must be ascending and unique: 2 after 2",
        "sparse without value    | {2}                      | 11 | sparse entry must be 'index value'",
        "trailing text           | 1,0,1,2,3 x              | 11 | not a number in attribute 'f3'",
    })
    void shouldReportTheLineOfABadRow(String kind, String row, long line, String problem) throws IOException {
        try (ExampleSource source = open(HEADER + row + "\n")) {
            DatasetFormatException error = assertThrows(DatasetFormatException.class, source::next);
            assertEquals(line, error.line());
            assertTrue(error.getMessage().startsWith("data.arff line " + line + ": " + problem), error.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty file            | ''                                                           | 1 | the file is empty",
        "no relation           | '@attribute a numeric\n@data\n'                              | 1 | expected @relation",
        "no label count        | '@relation x\n@attribute a numeric\n@data\n'                | 1 | @relation must carry MEKA's -C option",
        "no data section       | '@relation \"x: -C 1\"\n@attribute a numeric\n'             | 3 | no @data section",
        "too many labels       | '@relation \"x: -C 3\"\n@attribute a numeric\n@data\n'      | 3 | -C 3 names more labels than the 1 attributes",
        "string attribute      | '@relation \"x: -C 1\"\n@attribute a numeric\n@attribute s string\n@data\n' | 3 | attribute 's' has type string",
        "nominal label not 0/1 | '@relation \"x: -C 1\"\n@attribute a {yes,no}\n@attribute b numeric\n@data\n' | 4 | label attribute 'a' must be numeric or {0,1}",
    })
    void shouldReportTheLineOfABadHeader(String kind, String text, long line, String problem) {
        Path file = write(text.replace("\\n", "\n"));
        DatasetFormatException error =
                assertThrows(DatasetFormatException.class, () -> ExampleSources.open(file, DataFormat.ARFF));
        assertEquals(line, error.line());
        assertEquals(file, error.file());
        assertTrue(error.getMessage().startsWith("data.arff line " + line + ": " + problem), error.getMessage());
    }

    @Test
    void shouldGoOnWithTheNextRowAfterABadOne() throws IOException {
        try (ExampleSource source = open(HEADER + "1,0,x,2,3\n0,0,1,2,3\n")) {
            assertThrows(DatasetFormatException.class, source::next);
            assertEquals("line-12", source.next().id());
        }
    }

    @Test
    void shouldReadTheWholeYeastDataSet() throws IOException {
        assertDataSet("Yeast.arff", 2417, 14, 103);
    }

    @Test
    void shouldReadTheWholeMusicDataSet() throws IOException {
        // This copy holds 592 rows of 71 features, one row and one feature fewer than the 593 x 72 usually quoted
        // for the emotions data set: the counts are the file's own, checked with awk.
        assertDataSet("Music.arff", 592, 6, 71);
    }

    private static void assertDataSet(String name, int rows, int labels, int features) throws IOException {
        Path file = SHARED_DATA.resolve(name);
        assumeTrue(Files.isReadable(file), "development data not present");
        try (ExampleSource source = ExampleSources.open(file, DataFormat.fromFileName(file))) {
            assertEquals(labels, source.labelNames().size());
            assertEquals(features, source.featureCount());
            int count = 0;
            int positives = 0;
            while (source.hasNext()) {
                Example example = source.next();
                assertEquals(features, ((Features.Dense) example.features()).values().length);
                positives += example.positiveLabels().length;
                count++;
            }
            assertEquals(rows, count);
            assertTrue(positives > rows, "every row has at least one label in these data sets");
            assertEquals(source.size(), source.position());
        }
    }

    private ExampleSource open(String text) throws IOException {
        return ExampleSources.open(write(text), DataFormat.ARFF);
    }

    private Path write(String text) {
        try {
            return Files.writeString(dir.resolve("data.arff"), text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
