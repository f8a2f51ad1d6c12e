package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.io.DataFormat;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.ExampleSource;
import dev.ballast.io.ExampleSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The floor Ballast must stay above with its defaults, on the real data set beside the repository
 * ({@code ../shared/data}, present in CI; skipped where it is absent): prequential macro-F1 on Yeast above the
 * 0.45 of a 100-line numpy online learner (and so above batch scikit-learn's 0.44 and MOA's 0.14), in file order
 * and shuffled, with no label collapsed to "always negative"; and, on the built-in sparse drifting stream, the sparse
 * scale's gain. A change to the learner that costs quality fails here.
 */
class LearningQualityTest {

    private static final Path YEAST = Path.of("..", "..", "shared", "data", "Yeast.arff");

    @ParameterizedTest(name = "shuffle seed {0} (0: file order)")
    @ValueSource(longs = {0, 7, 11})
    void shouldBeatTheNumpyFloorOnYeastWithNoCollapsedLabel(long shuffleSeed) throws IOException {
        Path file = YEAST.toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(file), "no " + file + " here");
        TrainerSettings defaults = new BallastConfig(Map.of()).trainerSettings();

        EvaluationReport report;
        try (ExampleSource source = ExampleSources.open(file, DataFormat.ARFF)) {
            ExampleSource input = shuffleSeed == 0 ? source : ExampleSources.shuffled(source, shuffleSeed);
            report = PrequentialEvaluation.run(input, defaults, events -> { });
        }

        assertEquals(2417, report.events());
        assertTrue(report.macroF1() > 0.45, "macro-F1 " + report.macroF1());
        assertEquals(0, report.collapsedLabels());
        assertEquals(0, report.skippedSteps());
    }

    /**
     * Sparse rows scaled by their root mean square (the default) against unscaled, on 30,000 events of the sparse
     * drifting stream (1,000 features, 20 per event): 0.525 against 0.499 with the defaults of 2026-12-07. A change
     * that loses the scale, or most of its gain, fails here; no data file needed.
     */
    @Test
    void shouldLearnTheSparseDriftingStreamBetterWithSparseRowsScaled() {
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        DriftingStreamSpec sparse = new DriftingStreamSpec(1000, demo.labelCount(), demo.seed(),
                demo.driftPeriodEvents(), demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(), true, 20);
        EvaluationReport scaled = PrequentialEvaluation.run(new DriftingStream(sparse, 30_000),
                new BallastConfig(Map.of()).trainerSettings(), events -> { });
        EvaluationReport unscaled = PrequentialEvaluation.run(new DriftingStream(sparse, 30_000),
                new BallastConfig(Map.of("ballast.model.standardize", "false")).trainerSettings(), events -> { });

        assertTrue(scaled.macroF1() > 0.45, "scaled macro-F1 " + scaled.macroF1());
        assertTrue(scaled.macroF1() > unscaled.macroF1() + 0.015,
                "scaled " + scaled.macroF1() + " against unscaled " + unscaled.macroF1());
        assertEquals(0, scaled.collapsedLabels());
        assertEquals(0, scaled.skippedSteps());
    }
}
