package dev.ballast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.io.DataFormat;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.ExampleWriter;
import dev.ballast.io.ExampleWriters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The commands as a user runs them: exit codes, stdout that parses, one-line errors. */
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine commandLine = Ballast.commandLine();
            commandLine.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
            int code = commandLine.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
        }
    }

    @Test
    void shouldPrintOneJsonReportWhenEvaluatingAFile() throws Exception {
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        Path file = dir.resolve("stream.csv");
        List<String> labels = IntStream.range(0, demo.labelCount()).mapToObj(i -> "l" + i).toList();
        List<String> features = IntStream.range(0, demo.featureCount()).mapToObj(i -> "x" + i).toList();
        try (DriftingStream stream = new DriftingStream(demo, 3_000);
             ExampleWriter writer = ExampleWriters.open(file, DataFormat.CSV, labels, features)) {
            while (stream.hasNext()) {
                writer.write(stream.next());
            }
        }
        Run weighted = run("evaluate", "--input", file.toString(), "--report", "json", "--no-progress");
        assertEquals(0, weighted.exitCode(), weighted.err());
        JsonNode report = JSON.readTree(weighted.out());
        assertEquals(3_000, report.get("events").asLong());
        assertEquals(demo.labelCount(), report.get("labels").size());
        assertEquals("log", report.get("settings").get("ballast.weighting.policy").asText());
        for (String field : List.of("macroF1", "microF1", "macroRecall", "macroAuprc", "collapsedLabels", "eventsPerSecond")) {
            assertTrue(report.has(field), field);
        }
        JsonNode label = report.get("labels").get(0);
        for (String field : List.of("name", "positives", "prevalence", "posWeight", "precision", "recall", "f1", "auprc")) {
            assertTrue(label.has(field), field);
        }
        assertTrue(report.get("macroF1").asDouble() > 0.3, "learns the synthetic stream: " + report.get("macroF1"));

        Run unweighted = run("evaluate", "--input", file.toString(), "--report", "json", "--no-progress",
                "--set", "ballast.weighting.policy=none");
        assertEquals("none", JSON.readTree(unweighted.out()).get("settings").get("ballast.weighting.policy").asText());
    }

    @Test
    void shouldEvaluateTheBuiltInDriftingStream() throws Exception {
        Run result = run("evaluate", "--synthetic", "2000", "--report", "json", "--no-progress");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode report = JSON.readTree(result.out());
        assertEquals("synthetic:2000", report.get("input").asText());
        assertEquals(2_000, report.get("events").asLong());
        Run both = run("evaluate", "--synthetic", "10", "--input", "x.csv");
        assertEquals(ReadableErrors.USER_ERROR, both.exitCode(), "--input and --synthetic exclude each other");
    }

    @Test
    void shouldFailWithOneLineNamingTheLineWhenTheFileIsMalformed() throws Exception {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "label:a,x0,x1\n1,0.5,0.1\n0,oops,0.2\n");
        Run result = run("evaluate", "--input", file.toString(), "--no-progress");
        assertEquals(ReadableErrors.USER_ERROR, result.exitCode());
        assertTrue(result.err().contains("line 3"), result.err());
        assertTrue(result.err().lines().count() <= 2, result.err());
    }

    /**
     * Bad settings, global and per-model (the app trains "default" and "fraud"), each with the key the error must
     * name: the key as the user wrote it. Several were accepted once and threw later in a stream thread.
     */
    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of("ballast.optimizer.learning.rate=0", "ballast.optimizer.learning.rate"),
                Arguments.of("ballast.weighting.smoothing=0", "ballast.weighting.smoothing"),
                Arguments.of("ballast.weighting.min=0", "ballast.weighting.min"),
                Arguments.of("ballast.weighting.log.mu=0", "ballast.weighting.log.mu"),
                Arguments.of("ballast.weighting.effective.number.beta=0", "ballast.weighting.effective.number.beta"),
                Arguments.of("ballast.weighting.policy=squareroot", "ballast.weighting.policy"),
                Arguments.of("ballast.optimizer=adamw", "ballast.optimizer"),
                Arguments.of("ballast.optimizer.clip.norm=NaN", "ballast.optimizer.clip.norm"),
                Arguments.of("ballast.threshold.default=1", "ballast.threshold.default"),
                Arguments.of("ballast.threshold.recall.floor=0", "ballast.threshold.recall.floor"),
                Arguments.of("ballast.drift.recall.min.positives=0.5", "ballast.drift.recall.min.positives"),
                Arguments.of("ballast.models.fraud.batch.size=zero", "ballast.models.fraud.batch.size"),
                Arguments.of("ballast.models.fraud.optimizer.learning.rate=-1", "ballast.models.fraud.optimizer.learning.rate"),
                Arguments.of("ballast.models.fraud.weighting.policy=squareroot", "ballast.models.fraud.weighting.policy"),
                Arguments.of("ballast.models.fraud.weighting.max=0.5", "ballast.models.fraud.weighting.max"),
                Arguments.of("ballast.models.fraud.drift.collapse.window.events=0", "ballast.models.fraud.drift.collapse.window.events"),
                Arguments.of("ballast.models.other.batch.size=8", "ballast.models.other.batch.size"));
    }

    @Test
    void shouldPrintPerModelOverridesAfterTheGlobalSettingsWhenConfigIsGivenSome() {
        Run config = run("config", "--set", "ballast.models=default,fraud", "--set", "ballast.models.fraud.batch.size=8",
                "--set", "ballast.models.fraud.weighting.policy=none");
        assertEquals(0, config.exitCode(), config.err());
        List<String> lines = config.out().lines().toList();
        int header = lines.indexOf("# per-model overrides");
        assertTrue(header > 0, config.out());
        assertEquals(List.of("ballast.models.fraud.batch.size=8", "ballast.models.fraud.weighting.policy=none"),
                lines.subList(header + 1, lines.size()));
        assertTrue(lines.contains("ballast.batch.size=32"), "the global value stays as it is: " + config.out());
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void shouldExitTwoNamingTheKeyWhenASettingIsInvalid(String setting, String key) throws Exception {
        Run config = run("config", "--set", "ballast.models=default,fraud", "--set", setting);
        assertEquals(ReadableErrors.USER_ERROR, config.exitCode(), config.err());
        assertTrue(config.err().startsWith("ballast config: ") && config.err().contains(key), config.err());

        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        // Were Kafka touched, the run would wait for the closed port and fail with exit code 1 ("not reachable").
        Run started = run("run", "--set", "bootstrap.servers=127.0.0.1:" + closedPort,
                "--set", "schema.registry.url=http://127.0.0.1:" + closedPort, "--set", "ballast.startup.wait.ms=60000",
                "--set", "ballast.models=default,fraud", "--set", setting);
        assertEquals(ReadableErrors.USER_ERROR, started.exitCode(), started.err());
        assertTrue(started.err().startsWith("ballast run: ") && started.err().contains(key), started.err());
    }

    @Test
    void shouldFailWithOneLineWhenKafkaIsNotReachable() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run result = run("run", "--set", "bootstrap.servers=127.0.0.1:" + closedPort,
                "--set", "schema.registry.url=http://127.0.0.1:" + closedPort, "--set", "ballast.startup.wait.ms=1000");
        assertEquals(ReadableErrors.FAILURE, result.exitCode());
        assertTrue(result.err().startsWith("ballast run: Kafka at 127.0.0.1:" + closedPort + " is not reachable"), result.err());
        assertEquals(2, result.err().lines().count(), result.err());
    }

    @Test
    void shouldTellARefusedConnectionWithinTheStartupWaitForEveryClusterCommand() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        for (String command : List.of("models", "monitor", "dead-letters", "predictions", "produce")) {
            List<String> args = new java.util.ArrayList<>(List.of(command, "--set", "bootstrap.servers=127.0.0.1:" + closedPort,
                    "--set", "schema.registry.url=http://127.0.0.1:" + closedPort, "--set", "ballast.startup.wait.ms=1000"));
            if (command.equals("produce")) {
                args.addAll(List.of("--synthetic", "10"));
            }
            long start = System.nanoTime();
            Run result = run(args.toArray(String[]::new));
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(ReadableErrors.FAILURE, result.exitCode(), command);
            assertEquals(List.of("ballast " + command + ": Kafka at 127.0.0.1:" + closedPort + " is not reachable (connection "
                    + "refused at 127.0.0.1:" + closedPort + " (nothing listens there)) after 1 s; check bootstrap.servers and "
                    + "that the brokers are up", "(set BALLAST_DEBUG=1 for the stack trace)"), result.err().lines().toList());
            assertTrue(seconds <= 4, command + " gave up after " + seconds + " s, the wait is 1 s");
        }
    }

    @Test
    void shouldSayNoSuchFileWithOneExitCodeWhateverTheMissingFileIsCalled() {
        for (String missing : List.of("/nonexistent.arff", "/nonexistent", "/nonexistent.csv")) {
            Run result = run("evaluate", "--input", missing);
            assertEquals(ReadableErrors.USER_ERROR, result.exitCode(), missing);
            assertEquals(List.of("ballast evaluate: no such file: " + missing, "(set BALLAST_DEBUG=1 for the stack trace)"),
                    result.err().lines().toList());
        }
    }

    @Test
    void shouldNameTheMissingClientSettingForEveryClusterCommand() {
        for (String command : List.of("models", "monitor", "dead-letters", "predictions")) {
            Run result = run(command, "--set", "schema.registry.url=http://127.0.0.1:1");
            assertEquals(ReadableErrors.USER_ERROR, result.exitCode(), command);
            assertEquals("ballast " + command + ": bootstrap.servers is not set: give --set bootstrap.servers=HOST:PORT or put "
                    + "it in --config", result.err().lines().findFirst().orElseThrow());
        }
    }

    @Test
    @Tag("broker")
    void shouldRunTheDemoUntilASnapshotReflectsEveryEvent() throws Exception {
        Run result = run("demo", "--events", "3000", "--report", "json", "--bad-records", "9");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode report = JSON.readTree(result.out());
        assertEquals(3_000, report.get("eventsProduced").asLong());
        assertEquals(3_000, report.get("eventsTrained").asLong());
        assertEquals(9, report.get("deadLetters").asInt());
        assertTrue(report.get("modelVersion").asLong() >= 1);
        for (String field : List.of("alerts", "macroF1", "eventsPerSecond")) {
            assertTrue(report.has(field), field);
        }
        long byKind = 0;
        for (JsonNode count : report.get("alertsByKind")) {
            byKind += count.asLong();
        }
        assertEquals(report.get("alerts").asLong(), byKind, report.toString());
        try (java.util.stream.Stream<Path> left = Files.exists(Path.of("data")) ? Files.list(Path.of("data")) : java.util.stream.Stream.empty()) {
            assertEquals(List.of(), left.filter(path -> path.getFileName().toString().startsWith("demo-")).toList(),
                    "the demo deletes its data directory on exit");
        }
    }

    @Test
    @Tag("broker")
    void shouldSendTheLogToDataDemoLogWhileTheLiveViewRuns() throws Exception {
        // As a user runs it: its own JVM in its own directory, logging set up as in the launcher (the main class path
        // only; the tests' logback-test.xml would replace Ballast's logging).
        String mainClassPath = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                mainClassPath, "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.ballast", Ballast.class.getName(),
                "demo", "--events", "2000", "--bad-records", "3")
                .directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        try {
            assertTrue(process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "the demo of 2,000 events ends");
            List<String> out = Files.readAllLines(dir.resolve("out.txt"));
            List<String> err = Files.readAllLines(dir.resolve("err.txt"));
            assertEquals(0, process.exitValue(), String.join("\n", err));

            assertEquals("Logs go to data/demo.log while the live view runs.", err.get(0), String.join("\n", err));
            assertTrue(err.get(1).matches("Kafka 127\\.0\\.0\\.1:\\d+, Schema Registry http://127\\.0\\.0\\.1:\\d+, data in "
                    + "data/demo-\\d+ \\(deleted on exit\\)"), err.get(1));
            assertTrue(err.get(2).matches("Dashboard http://127\\.0\\.0\\.1:\\d+/  metrics http://127\\.0\\.0\\.1:\\d+/metrics"),
                    err.get(2));
            assertEquals(3, err.size(), "nothing but the demo's own lines on stderr: " + String.join("\n", err));
            // Not a terminal: a progress line every 5 s, then the closing line; no log line among them.
            for (String line : out) {
                assertTrue(line.isEmpty() || line.startsWith("produced ") || line.startsWith("Done: 2,000 events trained"), line);
            }
            assertTrue(out.get(out.size() - 1).startsWith("Done: 2,000 events trained"), String.join("\n", out));

            String log = Files.readString(dir.resolve("data/demo.log"));
            // Ballast's INFO lines, in the console's pattern, from start-up to the shutdown after the last event.
            assertTrue(log.lines().anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  d\\.b\\.t\\.BallastApp - Kafka "
                    + "Streams REBALANCING -> RUNNING")), log);
            assertTrue(log.contains("Ballast stopped in"), log);
        } finally {
            process.destroyForcibly();
        }
    }
}
