package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedParameter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** AdaGrad's starting accumulator ({@code ballast.optimizer.adagrad.initial.accumulator}). */
class AdaGradStartTest {

    private static final int FEATURES = 5;
    private static final int LABELS = 2;
    private static final double RATE = 0.1;
    private static final float[] ONES = {1, 1};

    private static LearningSettings settings(OptimizerType optimizer, double initialAccumulator) {
        return new LearningSettings(ModelType.LINEAR, 4, optimizer, RATE, 0, 0, 0, false, 3)
                .withInitialAccumulator(initialAccumulator);
    }

    /**
     * Plain SGD's first step is {@code -rate * g}, which gives each weight's gradient; AdaGrad's first step from a
     * starting sum {@code a} is {@code -rate * g / sqrt(a + g^2)}: from 0 a full step in the sign of g however small
     * g is, from 0.1 a step that grows with g.
     */
    @Test
    void shouldScaleTheFirstStepByTheGradientOnlyWhenTheAccumulatorStartsAboveZero() {
        MiniBatch batch = batch(new SplittableRandom(11));
        float[] gradients = firstStep(settings(OptimizerType.SGD, 0), batch);
        for (int i = 0; i < gradients.length; i++) {
            gradients[i] /= (float) -RATE;
        }
        float[] fromZero = firstStep(settings(OptimizerType.ADAGRAD, 0), batch);
        float[] fromTenth = firstStep(settings(OptimizerType.ADAGRAD, 0.1), batch);
        int small = 0;
        for (int i = 0; i < gradients.length; i++) {
            float g = gradients[i];
            assertEquals(-RATE * Math.signum(g), fromZero[i], 1e-5, "from 0, element " + i);
            assertEquals(-RATE * g / Math.sqrt(0.1 + g * g), fromTenth[i], 1e-5, "from 0.1, element " + i);
            if (Math.abs(g) < 0.1) {
                small++;
                assertTrue(Math.abs(fromTenth[i]) < RATE / 2, "a small gradient takes a small step: " + i);
            }
        }
        assertTrue(small > 0, "the batch gives some weights a small gradient");
    }

    /** A label added to a trained model starts with the starting sum; the others keep what they accumulated. */
    @Test
    void shouldStartANewLabelsAccumulatorAtTheStartingSumWhenTheModelIsWidened() {
        FeedForwardModel model = (FeedForwardModel) Models.create(FEATURES, LABELS, settings(OptimizerType.ADAGRAD, 0.1));
        SplittableRandom random = new SplittableRandom(5);
        for (int step = 0; step < 3; step++) {
            model.learn(batch(random), ONES, ONES);
        }
        float[] before = outputWeightSums(model);
        // Old label 0 stays first, a new label comes second, old label 1 moves to third.
        FeedForwardModel widened = (FeedForwardModel) Models.withLabels(model, new int[] {0, -1, 1});
        float[] after = outputWeightSums(widened);
        for (int feature = 0; feature < FEATURES; feature++) {
            assertEquals(before[feature * LABELS], after[feature * 3], 0f, "kept label 0, feature " + feature);
            assertEquals(0.1f, after[feature * 3 + 1], 0f, "new label, feature " + feature);
            assertEquals(before[feature * LABELS + 1], after[feature * 3 + 2], 0f, "kept label 1, feature " + feature);
            assertTrue(before[feature * LABELS] > 0.1f, "trained sums grew past the start");
        }
    }

    /** The output layer's weight matrix {@code [features, labels]}: its AdaGrad sums. */
    private static float[] outputWeightSums(FeedForwardModel model) {
        List<SavedParameter> saved = model.toSaved().getParameters();
        SavedParameter weights = saved.get(saved.size() - 2);
        float[] sums = new float[FEATURES * model.labelCount()];
        SavedArrays.copyTensor(weights.getOptimiserSlots().get(0), sums, "sums");
        return sums;
    }

    private static float[] firstStep(LearningSettings settings, MiniBatch batch) {
        FeedForwardModel model = (FeedForwardModel) Models.create(FEATURES, LABELS, settings);
        List<Parameter> parameters = model.trainableParameters();
        Parameter weights = parameters.get(parameters.size() - 2);
        float[] start = weights.copyOfValues();
        model.learn(batch, ONES, ONES);
        float[] moved = weights.copyOfValues();
        for (int i = 0; i < moved.length; i++) {
            moved[i] -= start[i];
        }
        return moved;
    }

    private static MiniBatch batch(SplittableRandom random) {
        MiniBatch batch = new MiniBatch(16, FEATURES, LABELS);
        while (!batch.isFull()) {
            float[] features = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                features[j] = (float) random.nextGaussian();
            }
            float[] targets = {features[0] > 0.3 ? 1f : 0f, features[1] + features[2] > 1 ? 1f : 0f};
            batch.addDense(features, targets, 1f);
        }
        return batch;
    }
}
