package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plain-Java matrix products (small batches and models) must train and predict like ND4J's gemm, up to float
 * rounding: two models, one forced onto each path, see the same batches and must agree to 1e-5.
 */
class DenseKernelsTest {

    private static final int FEATURES = 30;
    private static final int LABELS = 10;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(ModelType.LINEAR, OptimizerType.ADAGRAD, 1),
                Arguments.of(ModelType.LINEAR, OptimizerType.ADAGRAD, 32),
                Arguments.of(ModelType.LINEAR, OptimizerType.SGD, 7),
                Arguments.of(ModelType.MLP, OptimizerType.ADAM, 1),
                Arguments.of(ModelType.MLP, OptimizerType.ADAGRAD, 32));
    }

    @ParameterizedTest(name = "{0} {1} batch {2}")
    @MethodSource("cases")
    void shouldTrainAndPredictLikeNativeGemm(ModelType type, OptimizerType optimizer, int batchSize) {
        LearningSettings settings = new LearningSettings(type, 16, optimizer, 0.05, 0.5, 0, 1.0, true, 9);
        FeedForwardModel inJava = (FeedForwardModel) Models.create(FEATURES, LABELS, settings);
        FeedForwardModel nativeGemm = (FeedForwardModel) Models.create(FEATURES, LABELS, settings);
        inJava.javaKernelLimit(Long.MAX_VALUE);
        nativeGemm.javaKernelLimit(0);
        float[] posWeights = new float[LABELS];
        float[] negWeights = new float[LABELS];
        for (int label = 0; label < LABELS; label++) {
            posWeights[label] = 1 + label;
            negWeights[label] = 1;
        }
        MiniBatch batch = new MiniBatch(batchSize, FEATURES, LABELS);
        SplittableRandom random = new SplittableRandom(5);
        float[] fromJava = new float[batchSize * LABELS];
        float[] fromNative = new float[batchSize * LABELS];
        for (int step = 0; step < 40; step++) {
            batch.clear();
            for (int row = 0; row < batchSize; row++) {
                float[] features = new float[FEATURES];
                float[] targets = new float[LABELS];
                for (int j = 0; j < FEATURES; j++) {
                    features[j] = (float) random.nextGaussian();
                }
                for (int label = 0; label < LABELS; label++) {
                    targets[label] = features[label] + 0.3 * random.nextGaussian() > 1 ? 1f : 0f;
                }
                batch.addDense(features, targets, 1f);
            }
            inJava.predict(batch, fromJava);
            nativeGemm.predict(batch, fromNative);
            assertClose(fromNative, fromJava, "predictions at step " + step);
            StepResult javaStep = inJava.learn(batch, posWeights, negWeights);
            StepResult nativeStep = nativeGemm.learn(batch, posWeights, negWeights);
            assertFalse(javaStep.skipped());
            assertEquals(nativeStep.weightedLoss(), javaStep.weightedLoss(), 1e-5 * Math.max(1, nativeStep.weightedLoss()));
        }
        List<ParameterTensor> expected = nativeGemm.parameters();
        List<ParameterTensor> actual = inJava.parameters();
        for (int t = 0; t < expected.size(); t++) {
            assertClose(expected.get(t).data(), actual.get(t).data(), expected.get(t).name());
        }
    }

    @Test
    void shouldRunTheDefaultModelInJavaAndLargeProductsNatively() {
        assertTrue(DenseKernels.inJava(32, 30, 10, DenseKernels.JAVA_MAX_MULTIPLY_ADDS));
        assertTrue(DenseKernels.inJava(1, 300, 30, DenseKernels.JAVA_MAX_MULTIPLY_ADDS));
        assertFalse(DenseKernels.inJava(256, 30, 10, DenseKernels.JAVA_MAX_MULTIPLY_ADDS));
        assertFalse(DenseKernels.inJava(32, 1000, 100, DenseKernels.JAVA_MAX_MULTIPLY_ADDS));
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }
}
