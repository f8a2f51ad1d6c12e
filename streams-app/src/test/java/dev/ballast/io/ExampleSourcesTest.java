package dev.ballast.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExampleSourcesTest {

    private static final DriftingStreamSpec SPEC = new DriftingStreamSpec(3, 2, 1L, 100, 0.1, 0.5, 0, false, 0);

    @Test
    void shouldShuffleTheSameWayForTheSameSeed() {
        List<Example> first = drain(ExampleSources.shuffled(new DriftingStream(SPEC, 200), 9));
        List<Example> second = drain(ExampleSources.shuffled(new DriftingStream(SPEC, 200), 9));
        List<Example> otherSeed = drain(ExampleSources.shuffled(new DriftingStream(SPEC, 200), 10));
        assertEquals(first, second);
        assertNotEquals(first, otherSeed);
    }

    @Test
    void shouldKeepEveryExampleAndTheNamesWhenShuffling() {
        ExampleSource shuffled = ExampleSources.shuffled(new DriftingStream(SPEC, 200), 9);
        assertEquals(List.of("l0", "l1"), shuffled.labelNames());
        assertEquals(200, shuffled.size());
        List<Example> examples = drain(shuffled);
        assertEquals(200, shuffled.position());
        assertNotEquals(drain(new DriftingStream(SPEC, 200)), examples);
        examples.sort(Comparator.comparingLong(Example::eventTime));
        assertEquals(drain(new DriftingStream(SPEC, 200)), examples);
    }

    @ParameterizedTest
    @CsvSource({"yeast.arff, ARFF", "Data.CSV, CSV", "events.jsonl, JSONL", "events.ndjson, JSONL"})
    void shouldTellTheFormatFromTheExtension(String name, DataFormat format) {
        assertEquals(format, DataFormat.fromFileName(Path.of("dir", name)));
    }

    @Test
    void shouldRefuseAnUnknownExtension() {
        assertThrows(IllegalArgumentException.class, () -> DataFormat.fromFileName(Path.of("data.parquet")));
    }

    private static List<Example> drain(ExampleSource source) {
        List<Example> examples = new ArrayList<>();
        source.forEachRemaining(examples::add);
        return examples;
    }
}
