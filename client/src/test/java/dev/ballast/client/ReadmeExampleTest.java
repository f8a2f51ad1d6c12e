package dev.ballast.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The scoring service of the README's "Consume the model" section: compiled here, and kept equal to the README. */
class ReadmeExampleTest {

    private static final String BEGIN = "// readme-example:begin";
    private static final String END = "// readme-example:end";

    /** The README's example: score each request with the newest version of model "default". */
    static void serve(Iterable<float[]> requests, BiConsumer<List<String>, boolean[]> reply)
            throws InterruptedException, TimeoutException {
        // readme-example:begin
        try (ModelSubscriber models = ModelSubscriber.builder()
                .bootstrapServers("localhost:9092")
                .schemaRegistryUrl("http://localhost:8081")
                .listener((id, was, now) -> System.out.println(id + " -> " + (now == null ? "removed" : now.version())))
                .build().start()) {
            Predictor first = models.awaitModel("default", Duration.ofSeconds(30)).predictor();
            float[] probabilities = new float[first.labelNames().size()];
            boolean[] decisions = new boolean[probabilities.length];
            for (float[] features : requests) {
                Predictor predictor = models.current("default").orElseThrow().predictor(); // newest version
                predictor.predictProbabilities(features, probabilities);
                predictor.decide(probabilities, decisions);                                // snapshot's thresholds
                reply.accept(predictor.labelNames(), decisions);
            }
        }
        // readme-example:end
    }

    @Test
    void shouldShowTheCompiledExampleVerbatimInTheReadme() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/ballast/client/ReadmeExampleTest.java"));
        int begin = source.indexOf(BEGIN + "\n") + BEGIN.length() + 1;
        int end = source.lastIndexOf('\n', source.indexOf(END, begin));
        List<String> lines = source.substring(begin, end).lines().toList();
        int indent = lines.get(0).indexOf(lines.get(0).strip());
        String example = lines.stream().map(line -> line.substring(Math.min(indent, line.length())))
                .collect(Collectors.joining("\n"));

        String readme = Files.readString(Path.of("../README.md"));

        assertTrue(readme.contains(example), "README.md must show, verbatim:\n" + example);
    }
}
