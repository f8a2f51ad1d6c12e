package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NegativeSamplingTest {

    private static final int FEATURES = 3;
    private static final int LABELS = 4;
    private static final int ROWS = 16;
    private static final double RATE = 0.25;

    @Test
    void shouldKeepEveryPositiveAndWeighTheKeptNegativesByTheInverseRate() {
        NegativeSampling sampling = new NegativeSampling(RATE, 7);
        float[] targets = new float[1000 * LABELS];
        for (int i = 0; i < targets.length; i += 3) {
            targets[i] = 1f;
        }
        float[] weights = new float[targets.length];
        sampling.weights(targets, 1000, LABELS, 0, weights);
        int negatives = 0;
        int kept = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] > 0) {
                assertEquals(1f, weights[i], "a positive is always trained on, weight 1");
            } else {
                negatives++;
                assertTrue(weights[i] == 0f || weights[i] == 4f, "a negative weighs 0 or 1/rate, got " + weights[i]);
                kept += weights[i] > 0 ? 1 : 0;
            }
        }
        // Binomial(negatives, 0.25): four standard deviations either side.
        double sd = Math.sqrt(negatives * RATE * (1 - RATE));
        assertEquals(negatives * RATE, kept, 4 * sd, "share of negatives kept");
    }

    @Test
    void shouldDrawTheSameElementsWhenTheSameEventsAreReplayed() {
        float[] targets = new float[ROWS * LABELS];
        float[] first = new float[targets.length];
        float[] replay = new float[targets.length];
        float[] later = new float[targets.length];
        new NegativeSampling(RATE, 7).weights(targets, ROWS, LABELS, 640, first);
        new NegativeSampling(RATE, 7).weights(targets, ROWS, LABELS, 640, replay);
        new NegativeSampling(RATE, 7).weights(targets, ROWS, LABELS, 656, later);
        assertArrayEquals(first, replay);
        assertFalse(Arrays.equals(first, later), "other events draw other elements");
    }

    /**
     * The importance correction: one SGD step (no momentum, so the change of the parameters is -rate times the
     * gradient) on a batch with sampled negatives moves the parameters by a different amount each draw, and by the
     * full step on average.
     */
    @Test
    void shouldTakeTheFullGradientStepInExpectationWhenNegativesAreSampled() {
        LearningSettings settings = new LearningSettings(ModelType.LINEAR, 1, OptimizerType.SGD, 0.1, 0, 0, 0, false, 1);
        SplittableRandom random = new SplittableRandom(11);
        MiniBatch batch = new MiniBatch(ROWS, FEATURES, LABELS);
        for (int row = 0; row < ROWS; row++) {
            float[] features = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                features[j] = (float) random.nextGaussian();
            }
            float[] targets = new float[LABELS];
            for (int label = 0; label < LABELS; label++) {
                targets[label] = random.nextDouble() < 0.2 ? 1f : 0f;
            }
            batch.addDense(features, targets, 1f);
        }
        float[] posWeights = {1f, 2f, 3f, 1f};
        float[] negWeights = {1f, 1f, 1f, 0.5f};
        float[] full = step(settings, batch, posWeights, negWeights, null);

        NegativeSampling sampling = new NegativeSampling(RATE, 3);
        float[] weights = new float[ROWS * LABELS];
        int draws = 4000;
        double[] sum = new double[full.length];
        double[] sumOfSquares = new double[full.length];
        boolean differs = false;
        for (int draw = 0; draw < draws; draw++) {
            sampling.weights(batch.targets(), ROWS, LABELS, (long) draw * ROWS, weights);
            float[] sampled = step(settings, batch, posWeights, negWeights, weights);
            for (int i = 0; i < full.length; i++) {
                sum[i] += sampled[i];
                sumOfSquares[i] += (double) sampled[i] * sampled[i];
                differs |= sampled[i] != full[i];
            }
        }
        assertTrue(differs, "a sampled step is not the full one");
        for (int i = 0; i < full.length; i++) {
            double mean = sum[i] / draws;
            double standardError = Math.sqrt(Math.max(sumOfSquares[i] / draws - mean * mean, 0) / draws);
            assertEquals(full[i], mean, 4 * standardError + 1e-6, "parameter " + i);
        }
    }

    /** The change of every parameter (weights, then biases) in one step of a fresh model on the batch. */
    private static float[] step(LearningSettings settings, MiniBatch batch, float[] posWeights, float[] negWeights,
            float[] elementWeights) {
        MultiLabelModel model = Models.create(FEATURES, LABELS, settings);
        if (elementWeights != null) {
            batch.setElementWeights(elementWeights);
        }
        model.learn(batch, posWeights, negWeights);
        float[] w = model.parameters().get(0).data();
        float[] b = model.parameters().get(1).data();
        float[] change = new float[w.length + b.length];
        System.arraycopy(w, 0, change, 0, w.length);
        System.arraycopy(b, 0, change, w.length, b.length);
        return change;
    }
}
