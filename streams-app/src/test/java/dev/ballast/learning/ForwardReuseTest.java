package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * learn() reuses the forward pass of a predict() of the same, unchanged batch. Whether or not the batch was
 * predicted first, and whatever happened in between, the model must end bit-identical.
 */
class ForwardReuseTest {

    private static final int FEATURES = 12;
    private static final int LABELS = 5;

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void shouldTrainBitIdenticallyWithOrWithoutAPredictFirst(ModelType type) {
        LearningSettings settings = new LearningSettings(type, 6, OptimizerType.ADAGRAD, 0.1, 0, 0, 1.0, true, 3);
        MultiLabelModel predictedFirst = Models.create(FEATURES, LABELS, settings);
        MultiLabelModel learnOnly = Models.create(FEATURES, LABELS, settings);
        MiniBatch batch = new MiniBatch(8, FEATURES, LABELS);
        MiniBatch other = new MiniBatch(8, FEATURES, LABELS);
        float[] weights = {2, 1, 1, 3, 1};
        float[] ones = {1, 1, 1, 1, 1};
        float[] scores = new float[8 * LABELS];
        SplittableRandom random = new SplittableRandom(8);
        for (int step = 0; step < 30; step++) {
            fill(batch, random, 8);
            fill(other, random, 3);
            predictedFirst.predict(batch, scores);
            switch (step % 4) {
                case 1 -> predictedFirst.predict(other, scores); // the workspace now holds another batch
                case 2 -> {
                    // the batch changed after it was predicted
                    batch.clear();
                    fill(batch, random, 7);
                }
                case 3 -> predictedFirst.initialiseBiasFromPrior(new double[] {0.1, 0.2, 0.3, 0.4, 0.5});
                default -> { }
            }
            if (step % 4 == 3) {
                learnOnly.initialiseBiasFromPrior(new double[] {0.1, 0.2, 0.3, 0.4, 0.5});
            }
            StepResult a = predictedFirst.learn(batch, weights, ones);
            StepResult b = learnOnly.learn(batch, weights, ones);
            assertEquals(b.weightedLoss(), a.weightedLoss(), 0.0, "step " + step);
        }
        List<ParameterTensor> expected = learnOnly.parameters();
        List<ParameterTensor> actual = predictedFirst.parameters();
        for (int t = 0; t < expected.size(); t++) {
            assertArrayEquals(expected.get(t).data(), actual.get(t).data(), 0f, expected.get(t).name());
        }
    }

    private static void fill(MiniBatch batch, SplittableRandom random, int rows) {
        batch.clear();
        for (int row = 0; row < rows; row++) {
            float[] features = new float[FEATURES];
            float[] targets = new float[LABELS];
            for (int j = 0; j < FEATURES; j++) {
                features[j] = (float) (3 + 2 * random.nextGaussian());
            }
            for (int label = 0; label < LABELS; label++) {
                targets[label] = features[label] > 3.5 ? 1f : 0f;
            }
            batch.addDense(features, targets, 1f);
        }
    }
}
