package dev.ballast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.Example;
import dev.ballast.io.ExampleSource;
import dev.ballast.io.ExampleSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ballast evaluate --sweep}, {@code --shuffle}, {@code --score-from}, {@code --window} and {@code --export},
 * run as a user runs them.
 */
class EvaluateCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine commandLine = Ballast.commandLine();
            commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
            int code = commandLine.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
        }
    }

    @Test
    void shouldListEveryCombinationWithTheFirstSweepVaryingSlowest() {
        List<Map<String, String>> combinations = EvaluateCommand.combinations(
                List.of("a=1,2", "b=x, y ,z"));
        assertEquals(6, combinations.size());
        assertEquals(Map.of("a", "1", "b", "x"), combinations.get(0));
        assertEquals(Map.of("a", "1", "b", "y"), combinations.get(1));
        assertEquals(Map.of("a", "2", "b", "z"), combinations.get(5));
        assertEquals(List.of(Map.of()), EvaluateCommand.combinations(List.of()));
    }

    @Test
    void shouldReportEachSweptRunAsTheSameRunWithThoseSettingsWould() throws Exception {
        Run sweep = run("evaluate", "--synthetic", "3000", "--no-progress", "--report", "json",
                "--sweep", "ballast.weighting.policy=none,sqrt", "--sweep", "ballast.batch.size=8,32");
        assertEquals(0, sweep.exitCode(), sweep.err());
        JsonNode runs = sweep.json().get("runs");
        assertEquals(4, runs.size());
        JsonNode third = runs.get(2);
        assertEquals("sqrt", third.get("swept").get("ballast.weighting.policy").asText());
        assertEquals("8", third.get("swept").get("ballast.batch.size").asText());
        assertEquals("8", third.get("settings").get("ballast.batch.size").asText());

        Run single = run("evaluate", "--synthetic", "3000", "--no-progress", "--report", "json",
                "--set", "ballast.weighting.policy=sqrt", "--set", "ballast.batch.size=8");
        assertEquals(single.json().get("macroF1").asDouble(), third.get("macroF1").asDouble());
        assertTrue(runs.get(0).get("macroF1").asDouble() != third.get("macroF1").asDouble(),
                "different settings give different figures");

        Run table = run("evaluate", "--synthetic", "3000", "--no-progress", "--sweep", "ballast.batch.size=8,32");
        assertEquals(0, table.exitCode(), table.err());
        assertEquals(4, table.out().lines().count(), table.out());
        assertTrue(table.out().contains("batch.size"), table.out());
    }

    @Test
    void shouldReportEachWindowPerLabelWhenAWindowIsGiven() throws Exception {
        Run windowed = run("evaluate", "--synthetic", "2500", "--no-progress", "--report", "json", "--window", "1000");
        assertEquals(0, windowed.exitCode(), windowed.err());
        JsonNode report = windowed.json();
        assertEquals(20_000, report.get("driftPeriodEvents").asLong());
        JsonNode windows = report.get("windows");
        assertEquals(3, windows.size());
        assertEquals(2000, windows.get(2).get("firstEvent").asLong());
        assertEquals(500, windows.get(2).get("events").asLong());
        long positives = 0;
        for (JsonNode window : windows) {
            positives += window.get("labels").get(3).get("positives").asLong();
            JsonNode label = window.get("labels").get(3);
            assertEquals(label.get("truePositives").asLong() + label.get("falseNegatives").asLong(),
                    label.get("positives").asLong());
        }
        assertEquals(report.get("labels").get(3).get("positives").asLong(), positives);

        Run table = run("evaluate", "--synthetic", "2500", "--no-progress", "--window", "1000");
        assertTrue(table.out().contains("events 2,000-2,499: macro-F1"), table.out());
        Run invalid = run("evaluate", "--synthetic", "100", "--no-progress", "--window", "0");
        assertEquals(ReadableErrors.USER_ERROR, invalid.exitCode());
        assertTrue(invalid.err().contains("--window"), invalid.err());
    }

    @Test
    void shouldNameTheKeyWhenASweptValueIsInvalid() {
        Run result = run("evaluate", "--synthetic", "100", "--no-progress",
                "--sweep", "ballast.weighting.policy=none,squareroot");
        assertEquals(ReadableErrors.USER_ERROR, result.exitCode());
        assertTrue(result.err().contains("ballast.weighting.policy"), result.err());
        Run malformed = run("evaluate", "--synthetic", "100", "--no-progress", "--sweep", "ballast.batch.size");
        assertEquals(ReadableErrors.USER_ERROR, malformed.exitCode());
    }

    @Test
    void shouldCountOnlyTheEventsFromTheFractionOnWhileLearningFromAll() throws Exception {
        JsonNode whole = run("evaluate", "--synthetic", "4000", "--no-progress", "--report", "json").json();
        Run lastQuarter = run("evaluate", "--synthetic", "4000", "--no-progress", "--report", "json",
                "--score-from", "0.75");
        assertEquals(0, lastQuarter.exitCode(), lastQuarter.err());
        JsonNode report = lastQuarter.json();
        assertEquals(4000, report.get("events").asLong());
        assertEquals(1000, report.get("scoredEvents").asLong());
        assertEquals(4000, whole.get("scoredEvents").asLong());
        long positivesLast = 0;
        long positivesAll = 0;
        for (int label = 0; label < report.get("labels").size(); label++) {
            positivesLast += report.get("labels").get(label).get("positives").asLong();
            positivesAll += whole.get("labels").get(label).get("positives").asLong();
        }
        assertTrue(positivesLast > 0 && positivesLast < positivesAll, positivesLast + " of " + positivesAll);
        assertTrue(report.get("macroF1").asDouble() != whole.get("macroF1").asDouble());

        Run outOfRange = run("evaluate", "--synthetic", "100", "--no-progress", "--score-from", "1.5");
        assertEquals(ReadableErrors.USER_ERROR, outOfRange.exitCode());
        assertTrue(outOfRange.err().contains("--score-from"), outOfRange.err());
    }

    @Test
    void shouldParseOneSeedAListOrARangeOfShuffleSeeds() {
        assertEquals(java.util.Collections.singletonList(null), EvaluateCommand.seedList(null, "--shuffle"));
        assertEquals(List.of(7L), EvaluateCommand.seedList("7", "--shuffle"));
        assertEquals(List.of(3L, 1L, 2L), EvaluateCommand.seedList("3, 1,2", "--shuffle"));
        assertEquals(List.of(1L, 2L, 3L, 4L), EvaluateCommand.seedList("1-4", "--shuffle"));
        for (String invalid : List.of("4-1", "x", "1,1", "1-", "1-20000")) {
            Run result = run("evaluate", "--synthetic", "100", "--no-progress", "--shuffle", invalid);
            assertEquals(ReadableErrors.USER_ERROR, result.exitCode(), invalid);
            assertTrue(result.err().contains("--shuffle"), invalid + ": " + result.err());
        }
    }

    /** Each (setting, shuffled copy) run is the single run with that seed; the mean row averages them. */
    @Test
    void shouldRunEverySettingOnEachShuffledCopyAndAverageThem(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("events.csv");
        Random random = new Random(3);
        List<String> lines = new ArrayList<>();
        lines.add("x0,x1,x2,label:a,label:b");
        // Sorted by label set, as the MEKA files are: the order matters, so the copies differ.
        for (int i = 0; i < 400; i++) {
            double x0 = random.nextGaussian();
            double x1 = random.nextGaussian();
            lines.add(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f,%d,%d", x0, x1, random.nextGaussian(),
                    i < 150 ? 1 : 0, x1 + 0.3 * random.nextGaussian() > 0.8 ? 1 : 0));
        }
        Files.write(file, lines);
        Run sweep = run("evaluate", "--input", file.toString(), "--no-progress", "--report", "json",
                "--shuffle", "1-3", "--sweep", "ballast.batch.size=8,16");
        assertEquals(0, sweep.exitCode(), sweep.err());
        JsonNode runs = sweep.json().get("runs");
        assertEquals(6, runs.size());
        assertEquals(2, runs.get(4).get("shuffleSeed").asLong());
        assertEquals("16", runs.get(4).get("swept").get("ballast.batch.size").asText());
        Run single = run("evaluate", "--input", file.toString(), "--no-progress", "--report", "json",
                "--shuffle", "2", "--set", "ballast.batch.size=16");
        assertEquals(single.json().get("macroF1").asDouble(), runs.get(4).get("macroF1").asDouble());
        assertTrue(runs.get(3).get("macroF1").asDouble() != runs.get(4).get("macroF1").asDouble(),
                "the shuffled copies differ");
        JsonNode means = sweep.json().get("means");
        assertEquals(2, means.size());
        double expected = (runs.get(3).get("macroF1").asDouble() + runs.get(4).get("macroF1").asDouble()
                + runs.get(5).get("macroF1").asDouble()) / 3;
        assertEquals(expected, means.get(1).get("macroF1").asDouble(), 1e-12);
        assertEquals(3, means.get(1).get("shuffledCopies").asInt());
        assertPairedAgainstFirst(sweep.json(), 2, 3);

        Run table = run("evaluate", "--input", file.toString(), "--no-progress", "--shuffle", "1,2",
                "--sweep", "ballast.batch.size=8,16");
        assertEquals(0, table.exitCode(), table.err());
        // title, header, 4 runs, 2 means; then the paired comparison's title, header and one row
        assertEquals(1 + 1 + 4 + 2 + 3, table.out().lines().count(), table.out());
        assertTrue(table.out().lines().filter(line -> line.contains(" mean ")).count() == 2, table.out());
        assertTrue(table.out().contains("against the first setting (batch.size=8), paired over the 2 shuffled copies"),
                table.out());
        Run synthetic = run("evaluate", "--synthetic", "100", "--no-progress", "--shuffle", "1-2");
        assertEquals(ReadableErrors.USER_ERROR, synthetic.exitCode());
        assertTrue(synthetic.err().contains("--synthetic-seed"), synthetic.err());
    }

    /** --synthetic-seed 1-3: each setting on three streams, their means and the paired differences. */
    @Test
    void shouldRunEverySettingOnEachSyntheticSeedAndPairThemAgainstTheFirst() throws Exception {
        Run sweep = run("evaluate", "--synthetic", "3000", "--synthetic-seed", "1-3", "--no-progress", "--report",
                "json", "--sweep", "ballast.weighting.policy=sqrt,none,log");
        assertEquals(0, sweep.exitCode(), sweep.err());
        JsonNode runs = sweep.json().get("runs");
        assertEquals(9, runs.size());
        assertEquals(List.of(1L, 2L, 3L), List.of(runs.get(3).get("syntheticSeed").asLong(),
                runs.get(4).get("syntheticSeed").asLong(), runs.get(5).get("syntheticSeed").asLong()));
        Run single = run("evaluate", "--synthetic", "3000", "--synthetic-seed", "2", "--no-progress", "--report",
                "json", "--set", "ballast.weighting.policy=none");
        assertEquals(single.json().get("macroF1").asDouble(), runs.get(4).get("macroF1").asDouble());
        assertTrue(runs.get(3).get("macroF1").asDouble() != runs.get(4).get("macroF1").asDouble(),
                "the seeds' streams differ");
        assertEquals(3, sweep.json().get("means").get(0).get("syntheticSeeds").asInt());
        assertPairedAgainstFirst(sweep.json(), 3, 3);

        Run table = run("evaluate", "--synthetic", "3000", "--synthetic-seed", "1,2", "--no-progress",
                "--sweep", "ballast.weighting.policy=sqrt,none");
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().contains("paired over the 2 seeds"), table.out());
        assertTrue(table.out().lines().anyMatch(line -> line.startsWith("none ") && line.contains("mean")),
                table.out());

        Run file = run("evaluate", "--input", "events.csv", "--synthetic-seed", "1-2", "--no-progress");
        assertEquals(ReadableErrors.USER_ERROR, file.exitCode());
        Run export = run("evaluate", "--synthetic", "100", "--synthetic-seed", "1-2", "--export", "x.csv");
        assertEquals(ReadableErrors.USER_ERROR, export.exitCode());
        assertTrue(export.err().contains("one seed"), export.err());
        Run invalid = run("evaluate", "--synthetic", "100", "--synthetic-seed", "3-1", "--no-progress");
        assertEquals(ReadableErrors.USER_ERROR, invalid.exitCode());
        assertTrue(invalid.err().contains("--synthetic-seed range"), invalid.err());
    }

    /**
     * The report's paired comparison: every setting after the first against the first, over the copies, with the mean
     * and standard error of the per-copy differences recomputed here from the runs.
     */
    private static void assertPairedAgainstFirst(JsonNode report, int settings, int copies) {
        JsonNode runs = report.get("runs");
        JsonNode paired = report.get("paired");
        assertEquals(settings - 1, paired.size());
        for (int setting = 1; setting < settings; setting++) {
            double[] differences = new double[copies];
            for (int copy = 0; copy < copies; copy++) {
                differences[copy] = runs.get(setting * copies + copy).get("macroF1").asDouble()
                        - runs.get(copy).get("macroF1").asDouble();
            }
            double mean = java.util.Arrays.stream(differences).average().orElseThrow();
            double variance = java.util.Arrays.stream(differences).map(d -> (d - mean) * (d - mean)).sum()
                    / (copies - 1);
            JsonNode pair = paired.get(setting - 1);
            assertEquals(runs.get(0).get("swept"), pair.get("against"));
            assertEquals(runs.get(setting * copies).get("swept"), pair.get("swept"));
            assertEquals(copies, pair.get("copies").asInt());
            assertEquals(mean, pair.get("macroF1Difference").asDouble(), 1e-12);
            assertEquals(Math.sqrt(variance / copies), pair.get("standardError").asDouble(), 1e-12);
            assertEquals(java.util.Arrays.stream(differences).filter(d -> d > 0).count(), pair.get("higherIn").asLong());
            assertEquals(java.util.Arrays.stream(differences).filter(d -> d < 0).count(), pair.get("lowerIn").asLong());
        }
    }

    @Test
    void shouldExportTheSyntheticStreamItWouldEvaluateWhenExportIsGiven(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("drift-3.csv");
        Run export = run("evaluate", "--synthetic", "1500", "--synthetic-seed", "3", "--no-progress",
                "--export", file.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().contains("Wrote 1,500 events (10 labels, 30 features)"), export.out());

        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        DriftingStream expected = new DriftingStream(new DriftingStreamSpec(demo.featureCount(), demo.labelCount(), 3,
                demo.driftPeriodEvents(), demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(), false, 0),
                1500);
        try (ExampleSource written = ExampleSources.open(file, null)) {
            assertEquals(expected.labelNames(), written.labelNames());
            assertEquals(expected.featureNames(), written.featureNames());
            while (expected.hasNext()) {
                assertEquals(expected.next(), written.next());
            }
            assertTrue(!written.hasNext(), "no event beyond the stream's");
        }

        JsonNode fromFile = run("evaluate", "--input", file.toString(), "--no-progress", "--report", "json").json();
        JsonNode direct = run("evaluate", "--synthetic", "1500", "--synthetic-seed", "3", "--no-progress",
                "--report", "json").json();
        assertEquals(direct.get("macroF1").asDouble(), fromFile.get("macroF1").asDouble(),
                "the exported file evaluates as the stream does");
    }

    @Test
    void shouldExportTheShuffledOrderWhenExportIsGivenWithShuffle(@TempDir Path dir) throws Exception {
        Path ordered = dir.resolve("ordered.jsonl");
        Path shuffled = dir.resolve("shuffled.jsonl");
        assertEquals(0, run("evaluate", "--synthetic", "300", "--no-progress", "--export", ordered.toString())
                .exitCode());
        Run export = run("evaluate", "--input", ordered.toString(), "--shuffle", "7", "--no-progress",
                "--export", shuffled.toString());
        assertEquals(0, export.exitCode(), export.err());
        List<Example> expected;
        try (ExampleSource source = ExampleSources.shuffled(ExampleSources.open(ordered, null), 7)) {
            expected = readAll(source);
        }
        try (ExampleSource source = ExampleSources.open(shuffled, null)) {
            assertEquals(expected, readAll(source));
        }
        try (ExampleSource source = ExampleSources.open(ordered, null)) {
            assertTrue(!expected.equals(readAll(source)), "the shuffled copy is in another order");
        }
    }

    /** A CSV export of a file with a feature named like a CSV column is the user's error, and keeps the old file. */
    @Test
    void shouldRefuseACsvExportOfAReservedFeatureNameKeepingTheFile(@TempDir Path dir) throws Exception {
        Path arff = dir.resolve("in.arff");
        Files.writeString(arff, "@relation 'x: -C 1'\n@attribute a {0,1}\n@attribute time numeric\n@data\n1,0.5\n0,1.5\n");
        Path csv = dir.resolve("out.csv");
        Files.writeString(csv, "kept\n");
        Run refused = run("evaluate", "--input", arff.toString(), "--export", csv.toString(), "--no-progress");
        assertEquals(ReadableErrors.USER_ERROR, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("'time' is reserved in CSV"), refused.err());
        assertEquals("kept\n", Files.readString(csv));
    }

    @Test
    void shouldRefuseExportWithEvaluationOptionsOrAnUnknownExtension(@TempDir Path dir) {
        Run withSweep = run("evaluate", "--synthetic", "100", "--no-progress", "--export",
                dir.resolve("a.csv").toString(), "--sweep", "ballast.batch.size=8,32");
        assertEquals(ReadableErrors.USER_ERROR, withSweep.exitCode());
        assertTrue(withSweep.err().contains("--export"), withSweep.err());
        Run unknown = run("evaluate", "--synthetic", "100", "--no-progress",
                "--export", dir.resolve("a.txt").toString());
        assertEquals(ReadableErrors.USER_ERROR, unknown.exitCode());
        assertTrue(unknown.err().contains("--export"), unknown.err());
        assertTrue(!Files.exists(dir.resolve("a.csv")) && !Files.exists(dir.resolve("a.txt")), "nothing written");
    }

    private static List<Example> readAll(ExampleSource source) {
        List<Example> examples = new ArrayList<>();
        source.forEachRemaining(examples::add);
        return examples;
    }

    @Test
    void shouldEvaluateASparseSyntheticStreamOfTheShapeGiven() throws Exception {
        Run sparse = run("evaluate", "--synthetic", "3000", "--synthetic-sparse", "200:5", "--no-progress",
                "--report", "json");
        assertEquals(0, sparse.exitCode(), sparse.err());
        JsonNode report = sparse.json();
        assertEquals("200", report.get("settings").get("ballast.model.features").asText());
        assertEquals("200:5", report.get("syntheticSparse").asText());
        JsonNode dense = run("evaluate", "--synthetic", "3000", "--no-progress", "--report", "json").json();
        assertTrue(report.get("macroF1").asDouble() > 0, "it learns");
        assertTrue(report.get("macroF1").asDouble() != dense.get("macroF1").asDouble(), "another stream");
        for (String invalid : List.of("5:10", "200", "200:0", "x:5")) {
            Run result = run("evaluate", "--synthetic", "100", "--synthetic-sparse", invalid, "--no-progress");
            assertEquals(ReadableErrors.USER_ERROR, result.exitCode(), invalid);
            assertTrue(result.err().contains("--synthetic-sparse"), invalid + ": " + result.err());
        }
    }

    @Test
    void shouldEvaluateAndExportTheGraduallyDriftingStreamWhenAsked(@TempDir Path dir) throws Exception {
        Run gradual = run("evaluate", "--synthetic", "3000", "--synthetic-gradual", "--no-progress", "--report", "json");
        assertEquals(0, gradual.exitCode(), gradual.err());
        JsonNode report = gradual.json();
        assertTrue(report.get("syntheticGradual").asBoolean(), report.toString());
        JsonNode jumping = run("evaluate", "--synthetic", "3000", "--no-progress", "--report", "json").json();
        assertTrue(!jumping.has("syntheticGradual"), jumping.toString());
        assertTrue(report.get("macroF1").asDouble() != jumping.get("macroF1").asDouble(), "another stream");
        Run table = run("evaluate", "--synthetic", "3000", "--synthetic-gradual", "--no-progress");
        assertTrue(table.out().contains("synthetic gradually drifting stream"), table.out());

        Path file = dir.resolve("gradual.csv");
        assertEquals(0, run("evaluate", "--synthetic", "1200", "--synthetic-gradual", "--no-progress",
                "--export", file.toString()).exitCode());
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        DriftingStream expected = new DriftingStream(new DriftingStreamSpec(demo.featureCount(), demo.labelCount(),
                demo.seed(), demo.driftPeriodEvents(), demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(),
                false, 0, true), 1200);
        try (ExampleSource written = ExampleSources.open(file, null)) {
            while (expected.hasNext()) {
                assertEquals(expected.next(), written.next());
            }
        }

        Path csv = dir.resolve("tiny.csv");
        Files.writeString(csv, "x0,label:a\n1,1\n");
        Run withFile = run("evaluate", "--input", csv.toString(), "--synthetic-gradual", "--no-progress");
        assertEquals(ReadableErrors.USER_ERROR, withFile.exitCode());
        assertTrue(withFile.err().contains("--synthetic-gradual"), withFile.err());
    }
}
