package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.Example;
import dev.ballast.io.Features;
import dev.ballast.learning.ParameterTensor;
import dev.ballast.training.BatchOutcome;
import dev.ballast.training.OnlineTrainer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The learner alone, driven into overflow: it must skip steps, never throw, and keep finite parameters. */
class LearnerNumericalFaultTest {

    /** With an MLP, these features overflow the hidden layer after one step: the model then predicts NaN. */
    private static final float FEATURE_SCALE = 1e17f;
    private static final int EVENTS = 320;

    @Test
    void shouldSkipStepsInsteadOfThrowingWhenAnExplodingMlpPredictsNaN() {
        OnlineTrainer trainer = explodingMlp();
        long skipped = 0;
        try (DriftingStream stream = new DriftingStream(TestApps.STREAM, EVENTS)) {
            while (stream.hasNext()) {
                BatchOutcome outcome = addScaled(trainer, stream.next());
                if (outcome != null && outcome.step().skipped()) {
                    skipped++;
                }
            }
        }
        assertTrue(skipped > 0, "steps skipped");
        for (ParameterTensor tensor : trainer.model().parameters()) {
            for (float value : tensor.data()) {
                assertTrue(Float.isFinite(value), tensor.name() + " holds " + value);
            }
        }
    }

    static OnlineTrainer explodingMlp() {
        Map<String, String> settings = new HashMap<>();
        settings.put(BallastConfig.MODEL_FEATURES, Integer.toString(TestApps.STREAM.featureCount()));
        settings.put(BallastConfig.MODEL_LABELS, String.join(",", TestApps.labels()));
        settings.put(BallastConfig.MODEL_TYPE, "mlp");
        settings.put(BallastConfig.OPTIMIZER, "sgd");
        settings.put(BallastConfig.LEARNING_RATE, "1e6");
        settings.put(BallastConfig.MODEL_STANDARDIZE, "false");
        BallastConfig config = new BallastConfig(settings);
        return OnlineTrainer.create(config.trainerSettings(), TestApps.STREAM.featureCount(), TestApps.labels());
    }

    private static BatchOutcome addScaled(OnlineTrainer trainer, Example example) {
        float[] features = ((Features.Dense) example.features()).values().clone();
        for (int i = 0; i < features.length; i++) {
            features[i] *= FEATURE_SCALE;
        }
        float[] targets = new float[TestApps.labels().size()];
        for (int label : example.positiveLabels()) {
            targets[label] = 1f;
        }
        return trainer.addDense(features, targets, 1f);
    }
}
