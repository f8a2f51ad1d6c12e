package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sparse rows (Java gather and scatter, row-restricted steps) must train exactly like the same rows given
 * dense (gemm), up to float rounding.
 */
class SparseInputTest {

    private static final int FEATURES = 50;
    private static final int LABELS = 4;
    private static final float[] POS_WEIGHTS = {3, 1, 2, 1};
    private static final float[] NEG_WEIGHTS = {1, 1, 0.5f, 1};

    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of(ModelType.LINEAR, OptimizerType.ADAGRAD, 0.0),
                Arguments.of(ModelType.MLP, OptimizerType.ADAGRAD, 0.0),
                Arguments.of(ModelType.LINEAR, OptimizerType.SGD, 0.0),
                Arguments.of(ModelType.LINEAR, OptimizerType.SGD, 0.9),
                Arguments.of(ModelType.MLP, OptimizerType.ADAM, 0.9));
    }

    @ParameterizedTest(name = "{0} {1} momentum {2}")
    @MethodSource("settings")
    void shouldTrainAndPredictLikeEquivalentDenseRows(ModelType type, OptimizerType optimizer, double momentum) {
        trainSideBySide(type, optimizer, momentum, false);
    }

    /** Batches with both kinds of rows: the dense rows' gradient from gemm plus the sparse rows' from the scatter. */
    @ParameterizedTest(name = "{0} {1} momentum {2}")
    @MethodSource("settings")
    void shouldTrainMixedBatchesLikeAllDenseRows(ModelType type, OptimizerType optimizer, double momentum) {
        trainSideBySide(type, optimizer, momentum, true);
    }

    private static void trainSideBySide(ModelType type, OptimizerType optimizer, double momentum, boolean mixed) {
        LearningSettings settings = new LearningSettings(type, 8, optimizer, 0.05, momentum, 0, 1.0, false, 4);
        MultiLabelModel sparseModel = Models.create(FEATURES, LABELS, settings);
        MultiLabelModel denseModel = Models.create(FEATURES, LABELS, settings);
        MiniBatch sparseBatch = new MiniBatch(8, FEATURES, LABELS);
        MiniBatch denseBatch = new MiniBatch(8, FEATURES, LABELS);
        SplittableRandom random = new SplittableRandom(21);
        for (int step = 0; step < 25; step++) {
            fill(sparseBatch, denseBatch, random, mixed);
            StepResult fromSparse = sparseModel.learn(sparseBatch, POS_WEIGHTS, NEG_WEIGHTS);
            StepResult fromDense = denseModel.learn(denseBatch, POS_WEIGHTS, NEG_WEIGHTS);
            assertFalse(fromSparse.skipped());
            assertEquals(fromDense.weightedLoss(), fromSparse.weightedLoss(), 1e-5);
        }
        List<ParameterTensor> expected = denseModel.parameters();
        List<ParameterTensor> actual = sparseModel.parameters();
        for (int t = 0; t < expected.size(); t++) {
            float[] e = expected.get(t).data();
            float[] a = actual.get(t).data();
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], 1e-5, expected.get(t).name() + "[" + i + "]");
            }
        }
        float[] fromSparse = new float[8 * LABELS];
        float[] fromDense = new float[8 * LABELS];
        sparseModel.predict(sparseBatch, fromSparse);
        sparseModel.predict(denseBatch, fromDense);
        for (int i = 0; i < fromDense.length; i++) {
            assertEquals(fromDense[i], fromSparse[i], 1e-6);
        }
    }

    /** Same rows into both batches: as sparse rows (every third one dense when {@code mixed}) and as dense rows. */
    private static void fill(MiniBatch sparseBatch, MiniBatch denseBatch, SplittableRandom random, boolean mixed) {
        sparseBatch.clear();
        denseBatch.clear();
        while (!sparseBatch.isFull()) {
            int[] indices = random.ints(0, FEATURES).distinct().limit(5).toArray();
            float[] values = new float[indices.length];
            float[] dense = new float[FEATURES];
            for (int k = 0; k < indices.length; k++) {
                values[k] = (float) random.nextGaussian();
                dense[indices[k]] = values[k];
            }
            float[] targets = new float[LABELS];
            for (int label = 0; label < LABELS; label++) {
                targets[label] = values[label % values.length] > 0 ? 1 : 0;
            }
            float importance = 0.5f + random.nextInt(3);
            if (mixed && sparseBatch.size() % 3 == 0) {
                sparseBatch.addDense(dense, targets, importance);
            } else {
                sparseBatch.addSparse(indices, values, targets, importance);
            }
            denseBatch.addDense(dense, targets, importance);
        }
    }
}
