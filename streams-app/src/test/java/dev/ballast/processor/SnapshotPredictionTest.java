package dev.ballast.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.client.Predictor;
import dev.ballast.config.BallastConfig;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.Example;
import dev.ballast.io.Features;
import dev.ballast.learning.MiniBatch;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.training.OnlineTrainer;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The snapshot the processor publishes, loaded by the client's Predictor, predicts what the processor's model predicts. */
class SnapshotPredictionTest {

    @ParameterizedTest
    @ValueSource(strings = {"linear", "mlp", "linear+stacking"})
    void shouldPredictLikeTheTrainerWhenLoadedFromTheSnapshot(String model) {
        String modelType = model.split("\\+")[0];
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        List<String> labels = IntStream.range(0, demo.labelCount()).mapToObj(i -> "l" + i).toList();
        BallastConfig config = new BallastConfig(Map.of(BallastConfig.MODEL_TYPE, modelType,
                BallastConfig.MODEL_LABEL_STACKING, Boolean.toString(model.endsWith("+stacking"))));
        OnlineTrainer trainer = OnlineTrainer.create(config.trainerSettings(), demo.featureCount(), labels);
        float[] targets = new float[labels.size()];
        try (DriftingStream stream = new DriftingStream(demo, 3_000)) {
            while (stream.hasNext()) {
                Example example = stream.next();
                java.util.Arrays.fill(targets, 0f);
                for (int label : example.positiveLabels()) {
                    targets[label] = 1f;
                }
                trainer.addDense(((Features.Dense) example.features()).values(), targets, 1f);
            }
        }
        ModelSnapshot snapshot = OutputRecords.snapshot("m", 7, trainer, Map.of(), Map.of(), 0L);
        Predictor predictor = Predictor.of(snapshot);
        assertEquals(7, predictor.version());

        MiniBatch batch = new MiniBatch(64, demo.featureCount(), labels.size());
        float[] processorProbabilities = new float[64 * labels.size()];
        float[][] rows = new float[64][];
        try (DriftingStream fresh = new DriftingStream(new DriftingStreamSpec(demo.featureCount(), demo.labelCount(), 99,
                demo.driftPeriodEvents(), demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(), false, 0), 64)) {
            for (int row = 0; row < 64; row++) {
                rows[row] = ((Features.Dense) fresh.next().features()).values();
                batch.addDense(rows[row], new float[labels.size()], 1f);
            }
        }
        trainer.predict(batch, processorProbabilities);
        float[] clientProbabilities = new float[labels.size()];
        for (int row = 0; row < 64; row++) {
            predictor.predictProbabilities(rows[row], clientProbabilities);
            float[] expected = java.util.Arrays.copyOfRange(processorProbabilities, row * labels.size(), (row + 1) * labels.size());
            assertArrayEquals(expected, clientProbabilities, 1e-5f, "row " + row);
        }
        float[] thresholds = trainer.thresholds();
        for (int label = 0; label < labels.size(); label++) {
            assertEquals(thresholds[label], snapshot.getLabels().get(label).getThreshold(), 0f);
        }
    }
}
