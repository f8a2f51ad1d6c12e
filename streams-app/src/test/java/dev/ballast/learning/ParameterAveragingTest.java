package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParameterAveragingTest {

    private static final int FEATURES = 6;
    private static final int LABELS = 3;
    private static final double DECAY = 0.8;
    private static final float[] WEIGHTS = {2, 1, 3};
    private static final float[] ONES = {1, 1, 1};

    private static LearningSettings settings(ModelType type, double decay) {
        return new LearningSettings(type, 5, OptimizerType.ADAGRAD, 0.1, 0, 0, 0, true, 3).withAveraging(decay);
    }

    /** Scoring through the averages must not leak into training: the trained values are those of a plain model. */
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void shouldTrainExactlyAsWithoutAveragingWhileScoringWithTheAverage(ModelType type) throws Exception {
        FeedForwardModel averaging = (FeedForwardModel) Models.create(FEATURES, LABELS, settings(type, DECAY));
        FeedForwardModel plain = (FeedForwardModel) Models.create(FEATURES, LABELS, settings(type, 0));
        SplittableRandom random = new SplittableRandom(4);
        MiniBatch batch = new MiniBatch(8, FEATURES, LABELS);
        float[] scoresAveraging = new float[8 * LABELS];
        float[] scoresPlain = new float[8 * LABELS];
        List<Parameter> trained = averaging.trainableParameters();
        float[][] expectedAverage = null;
        for (int step = 1; step <= 25; step++) {
            fill(batch, random);
            averaging.predict(batch, scoresAveraging);
            plain.predict(batch, scoresPlain);
            averaging.learn(batch, WEIGHTS, ONES);
            plain.learn(batch, WEIGHTS, ONES);
            expectedAverage = eagerAverage(expectedAverage, trained, step);
        }
        List<Parameter> reference = plain.trainableParameters();
        List<ParameterTensor> published = averaging.parameters();
        for (int p = 0; p < trained.size(); p++) {
            assertArrayEquals(reference.get(p).copyOfValues(), trained.get(p).copyOfValues(), 0f, "trained " + p);
            assertArrayEquals(expectedAverage[p], published.get(p).data(), 1e-6f, "published average " + p);
        }
        // The scores are the averaged model's: a plain model holding the averages scores the same.
        // (the plain model's standardiser has seen what the averaging one has)
        FeedForwardModel holdingAverages = FeedForwardModel.fromSaved(plain.toSaved(), FEATURES, settings(type, 0),
                notice -> { });
        for (int p = 0; p < trained.size(); p++) {
            for (int i = 0; i < expectedAverage[p].length; i++) {
                holdingAverages.trainableParameters().get(p).setValue(i, published.get(p).data()[i]);
            }
        }
        fill(batch, random);
        averaging.predict(batch, scoresAveraging);
        holdingAverages.predict(batch, scoresPlain);
        assertArrayEquals(scoresPlain, scoresAveraging, 1e-6f);
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void shouldScoreIdenticallyAfterARestoreFromTheSavedState(ModelType type) throws Exception {
        LearningSettings settings = settings(type, DECAY);
        MultiLabelModel model = Models.create(FEATURES, LABELS, settings);
        SplittableRandom random = new SplittableRandom(9);
        MiniBatch batch = new MiniBatch(8, FEATURES, LABELS);
        for (int step = 0; step < 12; step++) {
            fill(batch, random);
            model.learn(batch, WEIGHTS, ONES);
        }
        MultiLabelModel restored = Models.fromSaved(Models.toSaved(model), FEATURES, settings, notice -> { });
        float[] expected = new float[8 * LABELS];
        float[] actual = new float[8 * LABELS];
        for (int step = 0; step < 5; step++) {
            fill(batch, random);
            model.predict(batch, expected);
            restored.predict(batch, actual);
            assertArrayEquals(expected, actual, 0f, "step " + step);
            model.learn(batch, WEIGHTS, ONES);
            restored.learn(batch, WEIGHTS, ONES);
        }
        assertEquals(model.steps(), restored.steps());
    }

    /**
     * A sparse step updates only the averages of the first-layer rows it touches; the others are brought up to date
     * when read. What scores and what is published must be the eager rule's average of every element after every step.
     */
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void shouldAverageSparseStepsAsTheEagerRuleDoes(ModelType type) throws Exception {
        int features = 40;
        FeedForwardModel averaging = (FeedForwardModel) Models.create(features, LABELS, settings(type, DECAY));
        SplittableRandom random = new SplittableRandom(11);
        MiniBatch batch = new MiniBatch(4, features, LABELS);
        List<Parameter> trained = averaging.trainableParameters();
        float[][] expected = null;
        for (int step = 1; step <= 120; step++) {
            fillSparse(batch, random, features);
            averaging.predict(batch, new float[4 * LABELS]);
            averaging.learn(batch, WEIGHTS, ONES);
            expected = eagerAverage(expected, trained, step);
        }
        List<ParameterTensor> published = averaging.parameters();
        for (int p = 0; p < trained.size(); p++) {
            assertArrayEquals(expected[p], published.get(p).data(), 1e-5f, "published average " + p);
        }
        // Scoring reads the rows of the batch's features brought up to date: a plain model holding the eager
        // averages scores the same.
        FeedForwardModel holdingAverages = FeedForwardModel.fromSaved(averaging.toSaved(), features,
                settings(type, 0), notice -> { });
        for (int p = 0; p < trained.size(); p++) {
            for (int i = 0; i < expected[p].length; i++) {
                holdingAverages.trainableParameters().get(p).setValue(i, expected[p][i]);
            }
        }
        float[] scoresAveraging = new float[4 * LABELS];
        float[] scoresPlain = new float[4 * LABELS];
        for (int round = 0; round < 3; round++) {
            fillSparse(batch, random, features);
            averaging.predict(batch, scoresAveraging);
            holdingAverages.predict(batch, scoresPlain);
            assertArrayEquals(scoresPlain, scoresAveraging, 1e-5f, "round " + round);
        }
    }

    /**
     * The averaging rule applied to every element after step {@code step} (1-based): the first step's values, then
     * {@code average += (1 - keep) * (value - average)}. Returns the averages, new ones after the first step.
     */
    private static float[][] eagerAverage(float[][] averages, List<Parameter> trained, int step) {
        if (averages == null) {
            float[][] first = new float[trained.size()][];
            for (int p = 0; p < trained.size(); p++) {
                first[p] = trained.get(p).copyOfValues();
            }
            return first;
        }
        float keep = (float) Math.min(DECAY, (1.0 + step) / (10.0 + step));
        for (int p = 0; p < trained.size(); p++) {
            for (int i = 0; i < averages[p].length; i++) {
                averages[p][i] += (1 - keep) * (trained.get(p).heapValues[i] - averages[p][i]);
            }
        }
        return averages;
    }

    /** Rows of three distinct features, most of them among the first eight (the other rows go untouched for long). */
    private static void fillSparse(MiniBatch batch, SplittableRandom random, int features) {
        batch.clear();
        while (!batch.isFull()) {
            int[] indices = random.ints(0, features)
                    .map(f -> random.nextInt(10) < 8 ? f % 8 : f)
                    .distinct().limit(3).toArray();
            float[] values = {1f + random.nextInt(3), 1f, 2f};
            float[] targets = new float[LABELS];
            for (int label = 0; label < LABELS; label++) {
                targets[label] = indices[0] % (label + 2) == 0 ? 1f : 0f;
            }
            batch.addSparse(indices, values, targets, 1f);
        }
    }

    private static void fill(MiniBatch batch, SplittableRandom random) {
        batch.clear();
        while (!batch.isFull()) {
            float[] features = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                features[j] = (float) random.nextGaussian();
            }
            float[] targets = new float[LABELS];
            for (int label = 0; label < LABELS; label++) {
                targets[label] = features[label] + 0.3 * random.nextGaussian() > 0.5 ? 1f : 0f;
            }
            batch.addDense(features, targets, 1f);
        }
    }
}
