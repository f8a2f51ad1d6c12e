package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.schema.state.SavedModel;
import dev.ballast.schema.state.SavedStandardiser;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Sparse rows scaled by each feature's root mean square (see {@link Standardiser}). */
class SparseScaleTest {

    private static final int FEATURES = 40;

    /**
     * The sums decay lazily (each new value inflated, the sums brought back to scale now and then); the scales must
     * be those of decaying every feature at every row, with the prior and the bound as documented. A half-life of
     * 10 rows brings the sums back to scale every ~3,300 rows, so 8,000 rows cross it twice.
     */
    @Test
    void shouldScaleEachListedFeatureByItsDecayedRootMeanSquareWithThePriorAndTheBound() {
        StandardiserSettings settings = new StandardiserSettings(10, 3);
        Standardiser standardiser = new Standardiser(FEATURES, settings);
        EagerReference reference = new EagerReference(settings.rowDecay());
        SplittableRandom random = new SplittableRandom(5);
        int compared = 0;
        for (int batch = 0; batch < 1000; batch++) {
            MiniBatch rows = new MiniBatch(8, FEATURES, 1);
            for (int row = 0; row < 8; row++) {
                int[] indices = rowIndices(random);
                float[] values = new float[indices.length];
                for (int k = 0; k < values.length; k++) {
                    values[k] = (float) (0.1 + random.nextDouble() * (indices[k] == 0 ? 2 : 0.3));
                    if (random.nextInt(500) == 0) {
                        values[k] *= 100; // beyond the statistics' clip
                    }
                }
                reference.add(indices, values);
                rows.addSparse(indices, values, new float[1], 1f);
            }
            standardiser.update(rows);
            for (int row = 0; row < rows.size(); row++) {
                for (int k = rows.sparseStart()[row]; k < rows.sparseStart()[row + 1]; k++) {
                    int feature = rows.sparseIndices()[k];
                    assertEquals(reference.scale(feature), standardiser.scaleInForce()[feature],
                            1e-5 * reference.scale(feature), "feature " + feature + " after batch " + batch);
                    compared++;
                }
            }
        }
        assertTrue(compared > 20_000);
    }

    /**
     * A feature in every row is scaled to a root mean square near 1; a feature in 1% of the rows would be scaled
     * tenfold beyond the others and is held at 3 over the root mean square of all values.
     */
    @Test
    void shouldBringCommonFeaturesToUnitScaleAndHoldRareOnesAtTheBound() {
        Standardiser standardiser = new Standardiser(FEATURES, new StandardiserSettings(10_000, 3));
        SplittableRandom random = new SplittableRandom(8);
        double allSquares = 0;
        long allValues = 0;
        for (int batch = 0; batch < 250; batch++) {
            MiniBatch rows = new MiniBatch(8, FEATURES, 1);
            for (int row = 0; row < 8; row++) {
                boolean rare = random.nextInt(100) == 0;
                int[] indices = rare ? new int[] {0, 1, 39} : new int[] {0, 1};
                float[] values = rare ? new float[] {0.2f, 0.2f, 0.2f} : new float[] {0.2f, 0.2f};
                allSquares += 0.04 * indices.length;
                allValues += indices.length;
                rows.addSparse(indices, values, new float[1], 1f);
            }
            standardiser.update(rows);
        }
        assertEquals(5, standardiser.scaleInForce()[0], 0.2, "0.2 in every row scales to about 1");
        double bound = 3 / Math.sqrt(allSquares / allValues);
        assertEquals(bound, standardiser.scaleInForce()[39], 1e-3 * bound, "held at the bound");
        assertEquals(1f, standardiser.scaleInForce()[20], "a feature never listed keeps scale 1");
    }

    /**
     * One value of 1e30 among rows of values near 0.2: it enters the statistics clipped, so every other feature's
     * scale stays where it was, and its own comes back within a few half-lives (here 100 rows).
     */
    @Test
    void shouldKeepEveryScaleWhenOneSparseValueIsExtreme() {
        Standardiser standardiser = new Standardiser(FEATURES, new StandardiserSettings(100, 3));
        SplittableRandom random = new SplittableRandom(17);
        for (int batch = 0; batch < 100; batch++) {
            standardiser.update(nearPointTwo(random, false));
        }
        float[] before = standardiser.scaleInForce().clone();
        standardiser.update(nearPointTwo(random, true));
        for (int batch = 0; batch < 2; batch++) {
            standardiser.update(nearPointTwo(random, false));
        }
        for (int j = 2; j < FEATURES; j++) {
            assertEquals(before[j], standardiser.scaleInForce()[j], 0.1 * before[j], "feature " + j);
        }
        assertTrue(standardiser.scaleInForce()[1] > 0.1 * before[1], "the extreme value's own feature is still scaled");
        for (int batch = 0; batch < 100; batch++) {
            standardiser.update(nearPointTwo(random, false));
        }
        assertEquals(before[1], standardiser.scaleInForce()[1], 0.1 * before[1], "and comes back");
    }

    /**
     * A sparse value of 1e15 reaches the model clipped at the published {@code sparseClip} (10 times the values'
     * root mean square): an MLP stepped on it is the very model stepped on the clip itself, so the row moves it by
     * one bounded step. Unclipped, its hidden units would carry 1e15 into every output weight's step.
     */
    @Test
    void shouldMoveAModelByOneBoundedStepWhenOneSparseValueIsExtreme() {
        LearningSettings settings = LearningSettings.defaults().withModelType(ModelType.MLP);
        MultiLabelModel extreme = Models.create(FEATURES, 2, settings);
        MultiLabelModel atTheClip = Models.create(FEATURES, 2, settings);
        SplittableRandom random = new SplittableRandom(23);
        for (int batch = 0; batch < 100; batch++) {
            MiniBatch rows = learnableBatch(random, 2);
            extreme.learn(rows, new float[] {1, 1}, new float[] {1, 1});
            atTheClip.learn(rows, new float[] {1, 1}, new float[] {1, 1});
        }
        float clip = tensor(extreme, "sparseClip")[0];
        assertTrue(clip > 0.3f && clip < 10, "clip " + clip);
        MiniBatch rows = learnableBatch(random, 2);
        rows.sparseValues()[1] = 1e15f;
        extreme.learn(rows, new float[] {1, 1}, new float[] {1, 1});
        rows.sparseValues()[1] = clip;
        atTheClip.learn(rows, new float[] {1, 1}, new float[] {1, 1});
        for (String name : List.of("W1", "b1", "W2", "b2")) {
            assertArrayEquals(tensor(atTheClip, name), tensor(extreme, name), name);
        }
    }

    private static float[] tensor(MultiLabelModel model, String name) {
        return model.parameters().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().data();
    }

    /** Label 0: the row lists a feature in 1-9; label 1: one in 30-39; any further label: never. */
    private static MiniBatch learnableBatch(SplittableRandom random, int labels) {
        MiniBatch rows = new MiniBatch(8, FEATURES, labels);
        for (int row = 0; row < 8; row++) {
            int[] indices = rowIndices(random);
            float[] values = new float[indices.length];
            java.util.Arrays.fill(values, 0.3f);
            boolean low = java.util.Arrays.stream(indices).anyMatch(j -> j > 0 && j < 10);
            boolean high = java.util.Arrays.stream(indices).anyMatch(j -> j >= 30);
            float[] targets = java.util.Arrays.copyOf(new float[] {low ? 1 : 0, high ? 1 : 0}, labels);
            rows.addSparse(indices, values, targets, 1f);
        }
        return rows;
    }

    /** Eight rows of every feature at 0.2 (plus noise); with {@code extreme}, feature 1 of the first row is 1e30. */
    private static MiniBatch nearPointTwo(SplittableRandom random, boolean extreme) {
        MiniBatch rows = new MiniBatch(8, FEATURES, 1);
        for (int row = 0; row < 8; row++) {
            int[] indices = java.util.stream.IntStream.range(0, FEATURES).toArray();
            float[] values = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                values[j] = (float) (0.2 + 0.02 * random.nextGaussian());
            }
            if (extreme && row == 0) {
                values[1] = 1e30f;
            }
            rows.addSparse(indices, values, new float[1], 1f);
        }
        return rows;
    }

    /** The sparse statistics and the scales in force survive a save and restore bit for bit, and go on alike. */
    @Test
    void shouldRestoreTheSparseStatisticsAndGoOnAsIfNeverSaved() {
        StandardiserSettings settings = new StandardiserSettings(50, 3);
        Standardiser original = new Standardiser(FEATURES, settings);
        SplittableRandom random = new SplittableRandom(13);
        List<MiniBatch> later = new ArrayList<>();
        for (int batch = 0; batch < 60; batch++) {
            MiniBatch rows = new MiniBatch(4, FEATURES, 1);
            for (int row = 0; row < 4; row++) {
                int[] indices = rowIndices(random);
                float[] values = new float[indices.length];
                for (int k = 0; k < values.length; k++) {
                    values[k] = (float) random.nextGaussian();
                }
                rows.addSparse(indices, values, new float[1], 1f);
            }
            if (batch < 30) {
                original.update(rows);
            } else {
                later.add(rows);
            }
        }
        SavedStandardiser saved = original.toSaved();
        assertNotNull(saved.getSparse());
        Standardiser restored = new Standardiser(FEATURES, settings);
        restored.restore(saved);
        assertArrayEquals(original.scaleInForce(), restored.scaleInForce());
        for (MiniBatch rows : later) {
            original.update(rows);
            restored.update(rows);
        }
        assertArrayEquals(original.scaleInForce(), restored.scaleInForce());
        assertEquals(original.toSaved(), restored.toSaved());
    }

    /** Once two dense rows are seen, the dense deviations scale every feature and the sparse rows add nothing. */
    @Test
    void shouldScaleByTheDenseStatisticsOnceTheModelHasSeenDenseRows() {
        Standardiser standardiser = new Standardiser(3, new StandardiserSettings(10_000, 3));
        MiniBatch dense = new MiniBatch(2, 3, 1);
        dense.addDense(new float[] {0, 0, 0}, new float[1], 1f);
        dense.addDense(new float[] {2, 4, 6}, new float[1], 1f);
        standardiser.update(dense);
        float[] denseScales = standardiser.scaleInForce().clone();
        MiniBatch sparse = new MiniBatch(1, 3, 1);
        sparse.addSparse(new int[] {1}, new float[] {0.01f}, new float[1], 1f);
        standardiser.update(sparse);
        assertArrayEquals(denseScales, standardiser.scaleInForce());
        assertNull(standardiser.toSaved().getSparse());
    }

    /**
     * A state without sparse statistics whose model trained without dense ones was saved before sparse rows were
     * scaled: its weights were learned on unscaled rows, so it keeps them unscaled (and says so), also when widened.
     */
    @Test
    void shouldKeepSparseRowsUnscaledForAModelTrainedOnThemUnscaled() throws Exception {
        LearningSettings settings = LearningSettings.defaults();
        MultiLabelModel model = Models.create(FEATURES, 2, settings);
        SplittableRandom random = new SplittableRandom(3);
        model.learn(learnableBatch(random, 2), new float[] {1, 1}, new float[] {1, 1});
        SavedModel saved = Models.toSaved(model);
        SavedStandardiser standardiser = saved.getStandardiser();
        assertNotNull(standardiser.getSparse(), "this build scales sparse rows");
        standardiser.setSparse(null);
        List<String> notices = new ArrayList<>();
        MultiLabelModel earlier = Models.fromSaved(saved, FEATURES, settings, notices::add);
        assertTrue(notices.stream().anyMatch(n -> n.contains("unscaled sparse rows")), notices.toString());
        MultiLabelModel widened = Models.withLabels(earlier, new int[] {0, 1, -1});
        for (int batch = 0; batch < 5; batch++) {
            MiniBatch rows = learnableBatch(random, 2);
            earlier.learn(rows, new float[] {1, 1}, new float[] {1, 1});
            MiniBatch wide = learnableBatch(random, 3);
            widened.learn(wide, new float[] {1, 1, 1}, new float[] {1, 1, 1});
        }
        assertArrayEquals(ones(), tensor(earlier, "featureScale"));
        assertArrayEquals(ones(), tensor(widened, "featureScale"));
        MultiLabelModel fresh = Models.create(FEATURES, 2, settings);
        fresh.learn(learnableBatch(random, 2), new float[] {1, 1}, new float[] {1, 1});
        assertTrue(tensor(fresh, "featureScale")[0] > 1.5f, "a new model scales them");
    }

    private static float[] ones() {
        float[] ones = new float[FEATURES];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }

    /** Feature 0 in every row, then up to four distinct others, the low indices more often (as words are). */
    private static int[] rowIndices(SplittableRandom random) {
        java.util.TreeSet<Integer> indices = new java.util.TreeSet<>();
        indices.add(0);
        int others = random.nextInt(5);
        while (indices.size() < others + 1) {
            indices.add(1 + (int) Math.floor(Math.pow(random.nextDouble(), 2) * (FEATURES - 1)));
        }
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The class documentation's scale, every feature's sum decayed at every row. */
    private static final class EagerReference {
        private final double decay;
        private final double[] squares = new double[FEATURES];
        private double rowWeight;
        private double valueWeight;
        private double valueSquares;
        private long rows;

        EagerReference(double decay) {
            this.decay = decay;
        }

        void add(int[] indices, float[] values) {
            double limit = rows >= Standardiser.WARM_UP_ROWS
                    ? Standardiser.SPARSE_CLIP * Standardiser.SPARSE_CLIP * valueSquares / valueWeight
                    : Double.POSITIVE_INFINITY;
            rows++;
            for (int j = 0; j < FEATURES; j++) {
                squares[j] *= decay;
            }
            rowWeight = decay * rowWeight + 1;
            valueWeight = decay * valueWeight + indices.length;
            double rowSquares = 0;
            for (int k = 0; k < indices.length; k++) {
                double square = Math.min((double) values[k] * values[k], limit);
                squares[indices[k]] += square;
                rowSquares += square;
            }
            valueSquares = decay * valueSquares + rowSquares;
        }

        double scale(int feature) {
            double averageSquare = valueSquares / valueWeight;
            double averageShare = valueWeight / (rowWeight * FEATURES);
            double meanSquare = (squares[feature] + Standardiser.SPARSE_PRIOR_ROWS * averageShare * averageSquare)
                    / (rowWeight + Standardiser.SPARSE_PRIOR_ROWS);
            return Math.min(1 / Math.sqrt(meanSquare + 1e-8),
                    Standardiser.SPARSE_MAX_SCALED / Math.sqrt(averageSquare + 1e-8));
        }
    }
}
