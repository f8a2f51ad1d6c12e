package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.StateRoundTrip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LabelStackingTest {

    private static final LearningSettings SETTINGS = LearningSettings.defaults();
    private static final int ROWS = 32;
    private static final float[] ONES = {1f, 1f};
    /** Every row's importance, 1. */
    private static final float[] IMPORTANCES = ones(ROWS);

    @Test
    void shouldPassTheFirstStageThroughBeforeItHasLearned() {
        LabelStacking stage = new LabelStacking(3, SETTINGS);
        float[] probabilities = {0.01f, 0.5f, 0.97f, 0.3f, 0.6f, 0.2f};
        float[] expected = probabilities.clone();
        stage.apply(probabilities, 2);
        assertArrayEquals(expected, probabilities, 1e-6f);
    }

    /**
     * Label b is label a; the first stage knows a well and b not at all (it scores b at its prevalence). The second
     * stage learns b from a's score: what a chain would do.
     */
    @Test
    void shouldScoreALabelFromAnotherLabelsScoreWhenTheyCoOccur() {
        LabelStacking stage = new LabelStacking(2, SETTINGS);
        SplittableRandom random = new SplittableRandom(5);
        float[] probabilities = new float[ROWS * 2];
        float[] targets = new float[ROWS * 2];
        double errorBefore = 0;
        double errorAfter = 0;
        for (int batch = 0; batch < 200; batch++) {
            fill(random, probabilities, targets);
            stage.apply(probabilities, ROWS);
            double error = brierOfB(probabilities, targets);
            if (batch == 0) {
                errorBefore = error;
            }
            errorAfter = error;
            assertTrue(stage.learn(targets, IMPORTANCES, ONES, ONES), "step " + batch);
        }
        assertTrue(errorAfter < errorBefore / 2, "b's squared error " + errorBefore + " -> " + errorAfter);
        assertEquals(200, stage.steps());
    }

    @Test
    void shouldScoreIdenticallyAfterARoundTripThroughItsSavedRecord() throws Exception {
        LabelStacking stage = new LabelStacking(2, SETTINGS);
        SplittableRandom random = new SplittableRandom(6);
        float[] probabilities = new float[ROWS * 2];
        float[] targets = new float[ROWS * 2];
        for (int batch = 0; batch < 20; batch++) {
            fill(random, probabilities, targets);
            stage.apply(probabilities, ROWS);
            stage.learn(targets, IMPORTANCES, ONES, ONES);
        }
        List<String> notices = new ArrayList<>();
        LabelStacking restored = LabelStacking.fromSaved(StateRoundTrip.roundTrip(stage.toSaved()), 2, SETTINGS, notices::add);
        assertEquals(List.of(), notices);
        for (int batch = 0; batch < 5; batch++) {
            fill(random, probabilities, targets);
            float[] copy = probabilities.clone();
            stage.apply(probabilities, ROWS);
            restored.apply(copy, ROWS);
            assertArrayEquals(probabilities, copy, 0f);
            stage.learn(targets, IMPORTANCES, ONES, ONES);
            restored.learn(targets, IMPORTANCES, ONES, ONES);
        }
        LabelStacking other = LabelStacking.fromSaved(StateRoundTrip.roundTrip(stage.toSaved()), 3, SETTINGS, notices::add);
        assertEquals(1, notices.size(), "a stage saved for another label count starts afresh, and says so");
        float[] passed = {0.2f, 0.4f, 0.9f};
        other.apply(passed, 1);
        assertArrayEquals(new float[] {0.2f, 0.4f, 0.9f}, passed, 1e-6f);
    }

    /** A batch scored a few rows at a time, in order, is the batch scored at once: same scores, same step. */
    @Test
    void shouldScoreAndLearnABatchAppliedInChunksAsTheWholeBatch() {
        LabelStacking whole = new LabelStacking(2, SETTINGS);
        LabelStacking chunked = new LabelStacking(2, SETTINGS);
        SplittableRandom random = new SplittableRandom(7);
        float[] probabilities = new float[ROWS * 2];
        float[] targets = new float[ROWS * 2];
        for (int batch = 0; batch < 10; batch++) {
            fill(random, probabilities, targets);
            float[] copy = probabilities.clone();
            whole.apply(probabilities, ROWS);
            for (int from = 0; from < ROWS; from += 5) {
                chunked.apply(copy, from, Math.min(ROWS, from + 5));
            }
            assertArrayEquals(probabilities, copy, 0f, "batch " + batch);
            assertTrue(whole.learn(targets, IMPORTANCES, ONES, ONES));
            assertTrue(chunked.learn(targets, IMPORTANCES, ONES, ONES));
        }
        for (int t = 0; t < 2; t++) {
            assertArrayEquals(whole.parameters().get(t).data(), chunked.parameters().get(t).data(), 0f);
        }
        assertThrows(IllegalArgumentException.class, () -> chunked.apply(probabilities, 8, 16),
                "rows must follow those scored before");
    }

    /** a ~ Bernoulli(0.3), b = a; the first stage scores a sharply and b at 0.3. */
    private static float[] ones(int length) {
        float[] ones = new float[length];
        Arrays.fill(ones, 1f);
        return ones;
    }

    private static void fill(SplittableRandom random, float[] probabilities, float[] targets) {
        for (int row = 0; row < ROWS; row++) {
            boolean a = random.nextDouble() < 0.3;
            targets[row * 2] = a ? 1f : 0f;
            targets[row * 2 + 1] = a ? 1f : 0f;
            probabilities[row * 2] = a ? 0.9f : 0.1f;
            probabilities[row * 2 + 1] = 0.3f;
        }
    }

    private static double brierOfB(float[] probabilities, float[] targets) {
        double sum = 0;
        for (int row = 0; row < ROWS; row++) {
            double d = probabilities[row * 2 + 1] - targets[row * 2 + 1];
            sum += d * d;
        }
        return sum / ROWS;
    }
}
