package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each parameter's heap mirror ({@link Parameter#heapValues}), which the sparse first layer and the optimiser read,
 * must hold exactly the native values after every step, taken or rejected, whatever the batch is made of.
 */
class ParameterMirrorTest {

    private static final int FEATURES = 40;
    private static final int LABELS = 3;
    private static final float[] ONES = {1, 1, 1};

    enum Rows { DENSE, SPARSE, MIXED }

    @ParameterizedTest(name = "{0} rows")
    @EnumSource(Rows.class)
    void heapMirrorEqualsNativeValuesAfterEveryStep(Rows rows) {
        for (OptimizerType optimizer : OptimizerType.values()) {
            for (ModelType type : ModelType.values()) {
                LearningSettings settings = new LearningSettings(type, 6, optimizer, 0.1, 0.0, 0, 0, true, 3);
                FeedForwardModel model = (FeedForwardModel) Models.create(FEATURES, LABELS, settings);
                model.initialiseBiasFromPrior(new double[] {0.1, 0.5, 0.02});
                assertMirrored(model, type + " " + optimizer + " at start");
                SplittableRandom random = new SplittableRandom(5);
                MiniBatch batch = new MiniBatch(16, FEATURES, LABELS);
                for (int step = 0; step < 12; step++) {
                    fill(batch, rows, random, 1f);
                    model.learn(batch, ONES, ONES);
                    assertMirrored(model, type + " " + optimizer + " step " + step);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} rows")
    @EnumSource(Rows.class)
    void rejectedStepLeavesHeapMirrorEqualToTheUnchangedValues(Rows rows) {
        // SGD at an absurd rate overflows the new values to infinity from a finite gradient: the step is rejected
        // after the working copies were written.
        LearningSettings settings = new LearningSettings(ModelType.LINEAR, 4, OptimizerType.SGD, 1e38, 0.0, 0, 0,
                false, 3);
        FeedForwardModel model = (FeedForwardModel) Models.create(FEATURES, LABELS, settings);
        float[] before = model.trainableParameters().get(0).copyOfValues();
        MiniBatch batch = new MiniBatch(16, FEATURES, LABELS);
        fill(batch, rows, new SplittableRandom(9), 1e3f);
        StepResult result = model.learn(batch, ONES, ONES);
        assertTrue(result.skipped(), "the overflowing step is rejected");
        assertEquals("non-finite parameter update", result.skipReason());
        assertMirrored(model, "after the rejected step");
        float[] after = model.trainableParameters().get(0).copyOfValues();
        for (int i = 0; i < before.length; i++) {
            assertEquals(Float.floatToIntBits(before[i]), Float.floatToIntBits(after[i]), "weight " + i + " unchanged");
        }
    }

    private static void assertMirrored(FeedForwardModel model, String when) {
        for (Parameter p : model.trainableParameters()) {
            for (int i = 0; i < p.length; i++) {
                assertEquals(Float.floatToIntBits(p.values.get(i)), Float.floatToIntBits(p.heapValues[i]),
                        when + ": " + p.name + "[" + i + "]");
            }
        }
    }

    private static void fill(MiniBatch batch, Rows rows, SplittableRandom random, float scale) {
        batch.clear();
        int row = 0;
        while (!batch.isFull()) {
            float[] targets = new float[LABELS];
            for (int label = 0; label < LABELS; label++) {
                targets[label] = random.nextInt(4) == 0 ? 1 : 0;
            }
            boolean sparse = rows == Rows.SPARSE || rows == Rows.MIXED && row % 3 == 0;
            if (sparse) {
                int[] indices = random.ints(0, FEATURES).distinct().limit(4).sorted().toArray();
                float[] values = new float[indices.length];
                for (int k = 0; k < values.length; k++) {
                    values[k] = scale * (float) random.nextGaussian();
                }
                batch.addSparse(indices, values, targets, 1f);
            } else {
                float[] features = new float[FEATURES];
                for (int j = 0; j < FEATURES; j++) {
                    features[j] = scale * (float) random.nextGaussian();
                }
                batch.addDense(features, targets, 1f);
            }
            row++;
        }
    }
}
