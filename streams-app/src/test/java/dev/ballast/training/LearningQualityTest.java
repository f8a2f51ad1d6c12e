package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.io.DataFormat;
import dev.ballast.io.ExampleSource;
import dev.ballast.io.ExampleSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The floor Ballast must stay above with its defaults, on the real data set beside the repository
 * ({@code ../shared/data}, present in CI; skipped where it is absent): prequential macro-F1 on Yeast above the
 * 0.45 of a 100-line numpy online learner (and so above batch scikit-learn's 0.44 and MOA's 0.14), in file order
 * and shuffled, with no label collapsed to "always negative". A change to the learner that costs quality fails here.
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
}
