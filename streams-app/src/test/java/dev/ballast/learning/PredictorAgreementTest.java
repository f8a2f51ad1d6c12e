package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.client.Predictor;
import dev.ballast.schema.LabelState;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client's plain-Java Predictor scores exactly like the trained model, from a hand-built snapshot. */
class PredictorAgreementTest {

    private static final int FEATURES = 12;
    private static final int LABELS = 3;

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void shouldMatchModelPredictionsForDenseAndSparseRowsWithStandardisation(ModelType type) {
        LearningSettings settings = new LearningSettings(type, 10, OptimizerType.ADAM, 0.05, 0.9, 1e-4, 10, true, 7);
        MultiLabelModel model = Models.create(FEATURES, LABELS, settings);
        SplittableRandom random = new SplittableRandom(11);
        MiniBatch batch = new MiniBatch(16, FEATURES, LABELS);
        for (int step = 0; step < 30; step++) {
            batch.clear();
            while (!batch.isFull()) {
                addRandomRow(batch, random);
            }
            model.learn(batch, new float[] {2, 1, 1}, new float[] {1, 1, 1});
        }
        Predictor predictor = Predictor.of(snapshot(model));

        batch.clear();
        List<float[]> dense = new ArrayList<>();
        List<int[]> sparseIndices = new ArrayList<>();
        List<float[]> sparseValues = new ArrayList<>();
        while (!batch.isFull()) {
            float[] x = randomDense(random);
            dense.add(x);
            batch.addDense(x, new float[LABELS], 1f);
            int[] indices = {random.nextInt(4), 4 + random.nextInt(4), 8 + random.nextInt(4)};
            float[] values = {(float) random.nextGaussian(), (float) random.nextGaussian(), 3f};
            sparseIndices.add(indices);
            sparseValues.add(values);
            batch.addSparse(indices, values, new float[LABELS], 1f);
        }
        float[] expected = new float[batch.size() * LABELS];
        model.predict(batch, expected);

        float[] actual = new float[LABELS];
        for (int row = 0; row < batch.size(); row++) {
            int pair = row / 2;
            if (row % 2 == 0) {
                predictor.predictProbabilities(dense.get(pair), actual);
            } else {
                predictor.predictProbabilities(sparseIndices.get(pair), sparseValues.get(pair), actual);
            }
            for (int label = 0; label < LABELS; label++) {
                assertEquals(expected[row * LABELS + label], actual[label], 1e-5, "row " + row + " label " + label);
            }
        }
        boolean[] decisions = new boolean[LABELS];
        predictor.decide(new float[] {0.5f, 0.49f, 0.9f}, decisions);
        assertArrayEquals(new boolean[] {true, false, true}, decisions);
        assertEquals(List.of("a", "b", "c"), predictor.labelNames());
        assertEquals(3L, predictor.version());
    }

    /** A model that has seen only sparse rows scales them by their own statistics; the client must do the same. */
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void shouldMatchModelPredictionsForAModelScaledBySparseRowsOnly(ModelType type) {
        MultiLabelModel model = Models.create(FEATURES, LABELS, LearningSettings.defaults().withModelType(type));
        SplittableRandom random = new SplittableRandom(4);
        MiniBatch batch = new MiniBatch(16, FEATURES, LABELS);
        for (int step = 0; step < 30; step++) {
            batch.clear();
            while (!batch.isFull()) {
                int[] indices = {random.nextInt(6), 6 + random.nextInt(6)};
                float[] values = {(float) random.nextGaussian(), 0.5f};
                batch.addSparse(indices, values, new float[] {values[0] > 0 ? 1 : 0, indices[1] > 8 ? 1 : 0, 0}, 1f);
            }
            model.learn(batch, new float[] {1, 2, 1}, new float[] {1, 1, 1});
        }
        float[] scales = model.parameters().stream().filter(t -> t.name().equals("featureScale")).findFirst()
                .orElseThrow().data();
        assertTrue(scales[0] > 1.5f && scales[6] > 1.5f, "scaled by the sparse rows: " + Arrays.toString(scales));
        float clip = model.parameters().stream().filter(t -> t.name().equals("sparseClip")).findFirst()
                .orElseThrow().data()[0];
        assertTrue(clip < 10, "sparse values are clipped: " + clip);
        batch.clear();
        while (!batch.isFull()) {
            // Every other row holds a value far beyond the clip, which both must clip alike.
            float big = batch.size() % 2 == 0 ? 50f : -0.25f;
            batch.addSparse(new int[] {random.nextInt(6), 6 + random.nextInt(6)}, new float[] {big, 0.5f},
                    new float[LABELS], 1f);
        }
        Predictor predictor = Predictor.of(snapshot(model));
        float[] expected = new float[batch.size() * LABELS];
        model.predict(batch, expected);
        float[] actual = new float[LABELS];
        for (int row = 0; row < batch.size(); row++) {
            int from = batch.sparseStart()[row];
            int to = batch.sparseStart()[row + 1];
            predictor.predictProbabilities(Arrays.copyOfRange(batch.sparseIndices(), from, to),
                    Arrays.copyOfRange(batch.sparseValues(), from, to), actual);
            for (int label = 0; label < LABELS; label++) {
                assertEquals(expected[row * LABELS + label], actual[label], 1e-5, "row " + row + " label " + label);
            }
        }
    }

    private static void addRandomRow(MiniBatch batch, SplittableRandom random) {
        float[] x = randomDense(random);
        float[] targets = {x[0] > 5 ? 1 : 0, x[1] + x[2] > 0 ? 1 : 0, x[11] > 1 ? 1 : 0};
        batch.addDense(x, targets, 1f);
    }

    private static float[] randomDense(SplittableRandom random) {
        float[] x = new float[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            x[j] = (float) (random.nextGaussian() * (j + 1) + j);
        }
        return x;
    }

    private static ModelSnapshot snapshot(MultiLabelModel model) {
        List<Tensor> tensors = new ArrayList<>();
        for (ParameterTensor p : model.parameters()) {
            ByteBuffer bytes = ByteBuffer.allocate(p.data().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(p.data());
            List<Integer> shape = new ArrayList<>();
            for (int d : p.shape()) {
                shape.add(d);
            }
            tensors.add(new Tensor(p.name(), shape, bytes));
        }
        List<LabelState> labels = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            labels.add(LabelState.newBuilder().setName(name).setDecayedPositives(1).setDecayedTotal(2)
                    .setPrevalence(0.5).setPosWeight(1f).setThreshold(0.5f).build());
        }
        return ModelSnapshot.newBuilder().setModelId("m").setVersion(3).setCreatedAt(Instant.EPOCH)
                .setEventsTrained(480).setOptimizerSteps(model.steps())
                .setArchitecture(model.settings().modelType().configName()).setFeatureCount(FEATURES)
                .setLabels(labels).setParameters(tensors).build();
    }
}
