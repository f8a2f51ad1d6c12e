package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.evaluation.LabelReport;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.Example;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrequentialEvaluationTest {

    @Test
    void shouldScoreOnlyTheEventsFromScoreFromOnWithTheirOwnPositives() {
        DriftingStreamSpec spec = DriftingStreamSpec.demo();
        TrainerSettings settings = new BallastConfig(Map.of()).trainerSettings();
        long[] lastPositives = new long[spec.labelCount()];
        try (DriftingStream stream = new DriftingStream(spec, 3000)) {
            for (int event = 0; stream.hasNext(); event++) {
                Example example = stream.next();
                if (event >= 1999) {
                    for (int label : example.positiveLabels()) {
                        lastPositives[label]++;
                    }
                }
            }
        }
        EvaluationReport report;
        try (DriftingStream stream = new DriftingStream(spec, 3000)) {
            report = PrequentialEvaluation.run(stream, settings, 1999, events -> { });
        }
        assertEquals(3000, report.events());
        assertEquals(1001, report.scoredEvents());
        for (int label = 0; label < spec.labelCount(); label++) {
            assertEquals(lastPositives[label], report.labels().get(label).positives(), "label " + label);
            assertEquals(lastPositives[label] / 1001.0, report.labels().get(label).prevalence(), 1e-12);
        }
        assertTrue(report.macroF1() > 0);
    }

    @Test
    void shouldSplitTheFiguresIntoWindowsThatAddUpToTheWholeStream() {
        DriftingStreamSpec spec = DriftingStreamSpec.demo();
        TrainerSettings settings = new BallastConfig(Map.of()).trainerSettings();
        // 1,000 is no multiple of the 32-event batch: batches straddle windows, and each row counts in its own.
        long[][] windowPositives = new long[3][spec.labelCount()];
        try (DriftingStream stream = new DriftingStream(spec, 2500)) {
            for (int event = 0; stream.hasNext(); event++) {
                for (int label : stream.next().positiveLabels()) {
                    windowPositives[event / 1000][label]++;
                }
            }
        }
        EvaluationReport report;
        try (DriftingStream stream = new DriftingStream(spec, 2500)) {
            report = PrequentialEvaluation.run(stream, settings, 0, 1000, events -> { });
        }
        assertEquals(List.of(0L, 1000L, 2000L), report.windows().stream().map(EvaluationReport.Window::firstEvent).toList());
        assertEquals(List.of(1000L, 1000L, 500L), report.windows().stream().map(EvaluationReport.Window::events).toList());
        for (int label = 0; label < spec.labelCount(); label++) {
            double truePositives = 0;
            double predictedPositives = 0;
            for (int window = 0; window < 3; window++) {
                LabelReport counts = report.windows().get(window).labels().get(label);
                assertEquals(windowPositives[window][label], counts.support(), "label " + label + ", window " + window);
                truePositives += counts.truePositives();
                predictedPositives += counts.truePositives() + counts.falsePositives();
            }
            EvaluationReport.Label whole = report.labels().get(label);
            assertEquals(whole.precision(), predictedPositives == 0 ? 0 : truePositives / predictedPositives, 1e-12);
            assertEquals(whole.recall(), truePositives / report.labels().get(label).positives(), 1e-12);
        }
        assertTrue(PrequentialEvaluation.run(new DriftingStream(spec, 100), settings, events -> { }).windows().isEmpty());
    }
}
