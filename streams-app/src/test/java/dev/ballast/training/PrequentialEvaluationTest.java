package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.Example;
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
}
