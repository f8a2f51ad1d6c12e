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

class CsvExampleSourceTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadReservedLabelAndFeatureColumnsInAnyOrder() throws IOException {
        String text = "x,label:spam,id,\"y, z\",time,label:ham,importance\n"
                + "0.5,1,\"e,1\",-inf,1700000000000,1.0,2\n\n"
                + "1,0,e2,3,1700000000001,0,0.5\n";
        try (ExampleSource source = open(text)) {
            assertEquals(List.of("spam", "ham"), source.labelNames());
            assertEquals(List.of("x", "y, z"), source.featureNames());
            assertEquals(new Example("e,1", 1_700_000_000_000L,
                    new Features.Dense(new float[] {0.5f, Float.NEGATIVE_INFINITY}), new int[] {0, 1}, 2), source.next());
            assertEquals(new Example("e2", 1_700_000_000_001L,
                    new Features.Dense(new float[] {1, 3}), new int[0], 0.5f), source.next());
            assertFalse(source.hasNext());
        }
    }

    @Test
    void shouldDefaultIdTimeAndImportanceWhenTheirColumnsAreAbsent() throws IOException {
        try (ExampleSource source = open("label:a,f\n1,NaN\n0,2\n")) {
            assertEquals(new Example("line-2", 0, new Features.Dense(new float[] {Float.NaN}), new int[] {0}, 1),
                    source.next());
            assertEquals(new Example("line-3", 1, new Features.Dense(new float[] {2}), new int[0], 1), source.next());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "wrong value count | 1,1,3    | expected 4 values, found 3",
        "non-numeric       | 1,1,x,4  | not a number in column 'f': 'x'",
        "label not 0/1     | 1,2,3,4  | label value must be 0 or 1 in column 'label:a', found '2'",
        "bad time          | 1.5,1,3,4 | column 'time' must be epoch milliseconds, found '1.5'",
        "unclosed quote    | 1,\"1,3,4 | unclosed quote",
        "empty value       | 1,1,,4   | not a number in column 'f': ''",
    })
    void shouldReportTheLineOfABadRow(String kind, String row, String problem) throws IOException {
        try (ExampleSource source = open("time,label:a,f,g\n1,0,1,1\n" + row + "\n")) {
            source.next();
            DatasetFormatException error = assertThrows(DatasetFormatException.class, source::next);
            assertEquals(3, error.line());
            assertTrue(error.getMessage().startsWith("data.csv line 3: " + problem), error.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty file        | ''              | 1 | the file is empty",
        "no label column   | 'f,g\n'         | 1 | the header names no label column",
        "no feature column | 'label:a,id\n'  | 1 | the header names no feature column",
        "duplicate column  | 'label:a,f,f\n' | 1 | column 'f' appears twice",
        "unnamed label     | 'label:,f\n'    | 1 | label column 'label:' has no label name",
    })
    void shouldReportABadHeader(String kind, String text, long line, String problem) throws IOException {
        Path file = Files.writeString(dir.resolve("data.csv"), text.replace("\\n", "\n"));
        DatasetFormatException error =
                assertThrows(DatasetFormatException.class, () -> ExampleSources.open(file, DataFormat.CSV));
        assertEquals(line, error.line());
        assertTrue(error.getMessage().startsWith("data.csv line " + line + ": " + problem), error.getMessage());
    }

    private ExampleSource open(String text) throws IOException {
        return ExampleSources.open(Files.writeString(dir.resolve("data.csv"), text), DataFormat.CSV);
    }
}
