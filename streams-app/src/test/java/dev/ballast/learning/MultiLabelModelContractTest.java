package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.StateRoundTrip;
import dev.ballast.schema.state.SavedModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract every model type and optimiser must keep. */
class MultiLabelModelContractTest {

    private static final float[] NEG_WEIGHTS = {1f, 1f, 1f};
    /** The rare label gets sqrt(neg/pos) ~ 5.6. */
    private static final float[] POS_WEIGHTS = {1f, 1.3f, 5.6f};

    static Stream<Arguments> models() {
        List<Arguments> all = new ArrayList<>();
        for (ModelType type : ModelType.values()) {
            for (OptimizerType optimizer : OptimizerType.values()) {
                double rate = switch (optimizer) {
                    case SGD -> 0.1;
                    case ADAGRAD -> 0.1;
                    case ADAM -> 0.01;
                };
                all.add(Arguments.of(type, optimizer, rate));
            }
        }
        return all.stream();
    }

    private static MultiLabelModel model(ModelType type, OptimizerType optimizer, double rate) {
        LearningSettings settings = LearningSettings.defaults().withModelType(type).withOptimizer(optimizer, rate);
        return Models.create(SyntheticProblem.FEATURES, SyntheticProblem.LABELS, settings);
    }

    private static void train(MultiLabelModel model, SyntheticProblem data, MiniBatch batch, int steps) {
        for (int step = 0; step < steps; step++) {
            data.fill(batch);
            StepResult result = model.learn(batch, POS_WEIGHTS, NEG_WEIGHTS);
            assertFalse(result.skipped(), () -> "step skipped: " + result.skipReason());
            assertTrue(Double.isFinite(result.weightedLoss()));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void shouldLearnSeparableProblemIncludingRareLabel(ModelType type, OptimizerType optimizer, double rate) {
        MultiLabelModel model = model(type, optimizer, rate);
        model.initialiseBiasFromPrior(new double[] {0.5, 0.36, 0.03});
        MiniBatch batch = new MiniBatch(32, SyntheticProblem.FEATURES, SyntheticProblem.LABELS);
        train(model, new SyntheticProblem(1), batch, 4000);

        SyntheticProblem test = new SyntheticProblem(99);
        int[] truePositives = new int[SyntheticProblem.LABELS];
        int[] falsePositives = new int[SyntheticProblem.LABELS];
        int[] falseNegatives = new int[SyntheticProblem.LABELS];
        float[] probabilities = new float[batch.capacity() * SyntheticProblem.LABELS];
        for (int round = 0; round < 200; round++) {
            test.fill(batch);
            model.predict(batch, probabilities);
            for (int row = 0; row < batch.size(); row++) {
                for (int label = 0; label < SyntheticProblem.LABELS; label++) {
                    float p = probabilities[row * SyntheticProblem.LABELS + label];
                    assertTrue(Float.isFinite(p));
                    boolean predicted = p >= 0.5f;
                    boolean actual = batch.target(row, label) == 1f;
                    if (predicted && actual) {
                        truePositives[label]++;
                    } else if (predicted) {
                        falsePositives[label]++;
                    } else if (actual) {
                        falseNegatives[label]++;
                    }
                }
            }
        }
        for (int label = 0; label < SyntheticProblem.LABELS; label++) {
            double f1 = 2.0 * truePositives[label]
                    / (2.0 * truePositives[label] + falsePositives[label] + falseNegatives[label]);
            assertTrue(f1 > 0.9, "label " + label + " F1 " + f1);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void shouldRestoreBitExactlyAndContinueTrainingIdentically(ModelType type, OptimizerType optimizer,
                                                               double rate) throws IOException {
        MultiLabelModel original = model(type, optimizer, rate);
        MiniBatch batch = new MiniBatch(16, SyntheticProblem.FEATURES, SyntheticProblem.LABELS);
        train(original, new SyntheticProblem(5), batch, 20);
        SavedModel saved = serialise(original);
        MultiLabelModel restored = Models.fromSaved(saved, original.featureCount(), original.settings(), notice -> { });

        assertEquals(saved, serialise(restored));
        assertEquals(original.steps(), restored.steps());
        assertEquals(original.settings(), restored.settings());
        assertParametersIdentical(original, restored);

        SyntheticProblem continuation = new SyntheticProblem(6);
        for (int step = 0; step < 10; step++) {
            continuation.fill(batch);
            StepResult a = original.learn(batch, POS_WEIGHTS, NEG_WEIGHTS);
            StepResult b = restored.learn(batch, POS_WEIGHTS, NEG_WEIGHTS);
            assertEquals(a, b);
        }
        assertEquals(serialise(original), serialise(restored));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void shouldNotChangeStateWhenPredicting(ModelType type, OptimizerType optimizer, double rate) throws IOException {
        MultiLabelModel model = model(type, optimizer, rate);
        MiniBatch batch = new MiniBatch(8, SyntheticProblem.FEATURES, SyntheticProblem.LABELS);
        train(model, new SyntheticProblem(7), batch, 5);
        SavedModel before = serialise(model);
        float[] first = new float[8 * SyntheticProblem.LABELS];
        float[] second = new float[first.length];
        model.predict(batch, first);
        model.predict(batch, second);
        assertEquals(before, serialise(model));
        assertArrayEquals(first, second);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void shouldSkipStepAndKeepStateWhenLearningRateOverflows(ModelType type, OptimizerType optimizer,
                                                             double ignored) {
        LearningSettings settings = new LearningSettings(type, 16, optimizer, 1e30, 0.9, 0, 0, false, 3);
        MultiLabelModel model = Models.create(SyntheticProblem.FEATURES, SyntheticProblem.LABELS, settings);
        MiniBatch batch = new MiniBatch(8, SyntheticProblem.FEATURES, SyntheticProblem.LABELS);
        SyntheticProblem data = new SyntheticProblem(8);
        long skipped = 0;
        for (int step = 0; step < 3; step++) {
            batch.clear();
            while (!batch.isFull()) {
                float[] x = data.nextFeatures();
                float[] large = x.clone();
                for (int j = 0; j < large.length; j++) {
                    large[j] *= 1e9f;
                }
                batch.addDense(large, SyntheticProblem.targets(x), 1f);
            }
            List<ParameterTensor> before = model.parameters();
            StepResult result = model.learn(batch, POS_WEIGHTS, NEG_WEIGHTS);
            if (result.skipped()) {
                skipped++;
                assertNotNull(result.skipReason());
                assertParametersIdentical(before, model.parameters());
            }
        }
        assertTrue(skipped > 0, "a learning rate of 1e30 must overflow");
        assertEquals(skipped, model.skippedSteps());
        assertEquals(skipped * 8, model.eventsInSkippedSteps(), "every row of a skipped step is counted as not learned from");
        assertEquals(3 - skipped, model.steps());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void shouldSkipStepWhenInputsOverflowTheLoss(ModelType type, OptimizerType optimizer, double rate)
            throws IOException {
        LearningSettings settings = new LearningSettings(type, 16, optimizer, rate, 0.9, 0, 0, false, 3);
        MultiLabelModel model = Models.create(SyntheticProblem.FEATURES, SyntheticProblem.LABELS, settings);
        MiniBatch batch = new MiniBatch(4, SyntheticProblem.FEATURES, SyntheticProblem.LABELS);
        train(model, new SyntheticProblem(9), batch, 3);
        SavedModel before = serialise(model);
        batch.clear();
        float[] huge = new float[SyntheticProblem.FEATURES];
        Arrays.fill(huge, 3e38f);
        batch.addDense(huge, new float[] {1, 0, 1}, 1f);

        StepResult result = model.learn(batch, POS_WEIGHTS, NEG_WEIGHTS);

        assertTrue(result.skipped());
        assertEquals(1, model.skippedSteps());
        assertEquals(1, model.eventsInSkippedSteps());
        assertEquals(3, model.steps());
        assertParametersIdentical(Models.fromSaved(before, model.featureCount(), model.settings(), notice -> { }), model);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void shouldInitialiseOutputBiasFromPriorOnlyOnce(ModelType type, OptimizerType optimizer, double rate) {
        MultiLabelModel model = model(type, optimizer, rate);
        model.initialiseBiasFromPrior(new double[] {0.5, 0.2, 0});
        model.initialiseBiasFromPrior(new double[] {0.9, 0.9, 0.9});
        String biasName = type == ModelType.LINEAR ? "b" : "b2";
        float[] bias = model.parameters().stream().filter(t -> t.name().equals(biasName)).findFirst()
                .orElseThrow().data();
        assertEquals(0f, bias[0], 1e-6f);
        assertEquals((float) Math.log(0.2 / 0.8), bias[1], 1e-6f);
        assertEquals((float) Math.log(1e-4 / (1 - 1e-4)), bias[2], 1e-5f);
    }

    private static void assertParametersIdentical(MultiLabelModel expected, MultiLabelModel actual) {
        assertParametersIdentical(expected.parameters(), actual.parameters());
    }

    private static void assertParametersIdentical(List<ParameterTensor> expected, List<ParameterTensor> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).name(), actual.get(i).name());
            assertArrayEquals(expected.get(i).shape(), actual.get(i).shape());
            assertArrayEquals(expected.get(i).data(), actual.get(i).data(), expected.get(i).name());
        }
    }

    /** The model's saved-state record, through Avro binary as the store keeps it. */
    static SavedModel serialise(MultiLabelModel model) throws IOException {
        return StateRoundTrip.roundTrip(Models.toSaved(model));
    }
}
