package dev.ballast.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonlExampleSourceTest {

    private static final String HEADER = "{\"labels\":[\"rare\",\"common\"],\"featureCount\":3}\n";

    @TempDir
    Path dir;

    @Test
    void shouldReadDenseAndSparseExamples() throws IOException {
        String text = HEADER
                + "{\"id\":\"e1\",\"eventTime\":1700000000000,\"features\":[0.5,-1.25,NaN],"
                + "\"labels\":[\"common\",\"rare\"],\"importance\":2}\n"
                + "\n"
                + "{\"features\":{\"indices\":[0,2],\"values\":[0.5,Infinity]}}\n";
        try (ExampleSource source = open(text)) {
            assertEquals(List.of("rare", "common"), source.labelNames());
            assertEquals(List.of("x0", "x1", "x2"), source.featureNames());
            assertEquals(new Example("e1", 1_700_000_000_000L,
                    new Features.Dense(new float[] {0.5f, -1.25f, Float.NaN}), new int[] {0, 1}, 2), source.next());
            assertEquals(new Example("line-4", 1,
                    new Features.Sparse(new int[] {0, 2}, new float[] {0.5f, Float.POSITIVE_INFINITY}), new int[0], 1),
                    source.next());
            assertFalse(source.hasNext());
        }
    }

    @Test
    void shouldTakeFeatureNamesFromTheHeader() throws IOException {
        try (ExampleSource source = open("{\"labels\":[\"a\"],\"featureCount\":2,\"featureNames\":[\"u\",\"v\"]}\n")) {
            assertEquals(List.of("u", "v"), source.featureNames());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown label     | {\"features\":[1,2,3],\"labels\":[\"nope\"]}            | unknown label 'nope'; the header declares [rare, common]",
        "repeated label    | {\"features\":[1,2,3],\"labels\":[\"rare\",\"rare\"]}  | label 'rare' listed twice",
        "wrong dimension   | {\"features\":[1,2]}                                     | expected 3 feature values, found 2",
        "index too large   | {\"features\":{\"indices\":[3],\"values\":[1]}}          | feature index 3 out of range 0..2",
        "unsorted indices  | {\"features\":{\"indices\":[2,1],\"values\":[1,1]}}      | sparse indices must be ascending and unique: 1 after 2",
        "duplicate index   | {\"features\":{\"indices\":[1,1],\"values\":[1,1]}}      | sparse indices must be ascending and unique: 1 after 1",
        "length mismatch   | {\"features\":{\"indices\":[1],\"values\":[1,1]}}        | sparse 'features' has 1 indices but 2 values",
        "non-numeric       | {\"features\":[1,\"a\",3]}                               | 'features' must hold numbers",
        "missing features  | {\"labels\":[]}                                          | missing 'features'",
        "misspelt field    | {\"features\":[1,2,3],\"label\":[\"rare\"]}             | unknown field 'label'",
        "malformed JSON    | {\"features\":[1,2,3]                                    | malformed JSON",
        "not an object     | [1,2,3]                                                  | expected a JSON object",
    })
    void shouldReportTheLineOfABadExample(String kind, String line, String problem) throws IOException {
        try (ExampleSource source = open(HEADER + "{\"features\":[1,2,3]}\n" + line + "\n")) {
            source.next();
            DatasetFormatException error = assertThrows(DatasetFormatException.class, source::next);
            assertEquals(3, error.line());
            assertTrue(error.getMessage().startsWith("data.jsonl line 3: " + problem), error.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty file          | ''                                                         | the file is empty",
        "no labels           | {\"featureCount\":3}                                       | the header must give a non-empty 'labels'",
        "no feature count    | {\"labels\":[\"a\"]}                                       | the header must give",
        "zero features       | {\"labels\":[\"a\"],\"featureCount\":0}                    | 'featureCount' must be a positive integer",
        "duplicate label     | {\"labels\":[\"a\",\"a\"],\"featureCount\":1}              | label 'a' declared twice",
        "names do not fit    | {\"labels\":[\"a\"],\"featureCount\":2,\"featureNames\":[\"u\"]} | featureNames has 1 names but featureCount is 2",
        "an example first    | {\"features\":[1,2,3]}                                     | unknown header field 'features'",
    })
    void shouldReportABadHeaderAtLineOne(String kind, String header, String problem) throws IOException {
        Path file = Files.writeString(dir.resolve("data.jsonl"), header);
        DatasetFormatException error =
                assertThrows(DatasetFormatException.class, () -> ExampleSources.open(file, DataFormat.JSONL));
        assertEquals(1, error.line());
        assertTrue(error.getMessage().startsWith("data.jsonl line 1: " + problem), error.getMessage());
    }

    private ExampleSource open(String text) throws IOException {
        return ExampleSources.open(Files.writeString(dir.resolve("data.jsonl"), text), DataFormat.JSONL);
    }
}
