package dev.ballast.client;

import static dev.ballast.client.TestSnapshots.snapshot;
import static dev.ballast.client.TestSnapshots.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed scores for tiny snapshots. */
class PredictorTest {

    private static final float TOLERANCE = 1e-6f;

    @Test
    void shouldScoreLinearSnapshot() {
        Predictor predictor = Predictor.of(snapshot("linear", 2, List.of(0.5f, 0.5f),
                tensor("W", new float[] {1, -1, 2, 0}, 2, 2), tensor("b", new float[] {0.5f, 0}, 2)));
        float[] out = new float[2];

        predictor.predictProbabilities(new float[] {1, -0.25f}, out);

        assertArrayEquals(new float[] {0.7310586f, 0.26894143f}, out, TOLERANCE);
    }

    @Test
    void shouldCentreAndScaleDenseInputButOnlyScaleSparseInput() {
        Predictor predictor = Predictor.of(snapshot("linear", 2, List.of(0.5f, 0.5f),
                tensor("W", new float[] {1, -1, 2, 0}, 2, 2), tensor("b", new float[] {0.5f, 0}, 2),
                tensor("featureMean", new float[] {1, 0}, 2), tensor("featureScale", new float[] {2, 4}, 2)));
        float[] dense = new float[2];
        float[] sparse = new float[2];

        predictor.predictProbabilities(new float[] {1, -0.25f}, dense);
        predictor.predictProbabilities(new int[] {1}, new float[] {-0.25f}, sparse);

        assertArrayEquals(new float[] {0.18242552f, 0.5f}, dense, TOLERANCE);
        assertArrayEquals(dense, sparse, TOLERANCE);
    }

    @Test
    void shouldApplyReluHiddenLayerForMlp() {
        Predictor predictor = Predictor.of(snapshot("mlp", 2, List.of(0.5f),
                tensor("W1", new float[] {1, -1, 0, 1}, 2, 2), tensor("b1", new float[] {0, 0.5f}, 2),
                tensor("W2", new float[] {2, 3}, 2, 1), tensor("b2", new float[] {-1}, 1)));
        float[] out = new float[1];

        predictor.predictProbabilities(new float[] {1, 2}, out);
        assertEquals(0.99592986f, out[0], TOLERANCE);
        predictor.predictProbabilities(new float[] {-1, 0}, out);
        assertEquals(0.97068777f, out[0], TOLERANCE);
    }

    @Test
    void shouldDecideWithSnapshotThresholds() {
        Predictor predictor = Predictor.of(snapshot("linear", 1, List.of(0.2f, 0.7f),
                tensor("W", new float[] {0, 0}, 1, 2), tensor("b", new float[] {0, 0}, 2)));
        boolean[] decisions = new boolean[2];

        predictor.decide(new float[] {0.2f, 0.69f}, decisions);

        assertArrayEquals(new boolean[] {true, false}, decisions);
        assertEquals(List.of("label0", "label1"), predictor.labelNames());
        assertEquals("model", predictor.modelId());
        assertEquals(7L, predictor.version());
    }

    @Test
    void shouldDecideWithGivenThresholdsWhenOverridden() {
        Predictor predictor = Predictor.of(snapshot("linear", 1, List.of(0.2f, 0.7f),
                tensor("W", new float[] {0, 0}, 1, 2), tensor("b", new float[] {0, 0}, 2)));
        boolean[] decisions = new boolean[2];

        Predictor strict = predictor.withThresholds(new float[] {0.9f, 0.1f});
        strict.decide(new float[] {0.2f, 0.69f}, decisions);

        assertArrayEquals(new boolean[] {false, true}, decisions);
        assertEquals(0.2f, predictor.threshold(0), "the original keeps the snapshot's thresholds");
        assertEquals(0.9f, strict.threshold(0));
        assertThrows(IllegalArgumentException.class, () -> predictor.withThresholds(new float[] {0.5f}));
    }

    @Test
    void shouldRejectSnapshotWithMisshapenOrMissingTensor() {
        assertThrows(IllegalArgumentException.class, () -> Predictor.of(snapshot("linear", 2, List.of(0.5f),
                tensor("W", new float[] {1, 2}, 1, 2), tensor("b", new float[] {0}, 1))));
        assertThrows(IllegalArgumentException.class, () -> Predictor.of(snapshot("mlp", 2, List.of(0.5f),
                tensor("W", new float[] {1, 2}, 2, 1), tensor("b", new float[] {0}, 1))));
        assertThrows(IllegalArgumentException.class, () -> Predictor.of(snapshot("tree", 1, List.of(0.5f))));
    }
}
