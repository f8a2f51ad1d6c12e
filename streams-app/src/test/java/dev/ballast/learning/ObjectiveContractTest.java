package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every registered {@link Objective} must satisfy, with its default parameters. */
class ObjectiveContractTest {

    /** A power of two, and the logits below are multiples of it: x - h and x + h are exact in float32. */
    private static final float H = 1f / 1024;
    private static final float[][] WEIGHTS = {{1f, 1f}, {5f, 1f}, {0.5f, 2f}, {40f, 1f}};

    private static Objective objective(ObjectiveType type) {
        return ObjectiveSettings.defaults().withType(type).create();
    }

    @ParameterizedTest
    @EnumSource(ObjectiveType.class)
    void shouldHaveGradientMatchingCentralDifferenceOfLoss(ObjectiveType type) {
        Objective objective = objective(type);
        for (float logit = -8f; logit <= 8f; logit += 0.140625f) {
            for (float target : new float[] {0f, 1f}) {
                for (float[] w : WEIGHTS) {
                    double numeric = (objective.loss(logit + H, target, w[0], w[1])
                            - objective.loss(logit - H, target, w[0], w[1])) / (2 * H);
                    double analytic = objective.gradient(logit, target, w[0], w[1]);
                    String where = type + " x=" + logit + " z=" + target + " wp=" + w[0] + " wn=" + w[1];
                    assertEquals(numeric, analytic, 1e-4 + 1e-3 * Math.abs(numeric), where);
                }
            }
        }
    }

    @Test
    void shouldEqualBinaryCrossEntropyWhenFocalLossDoesNotFocus() {
        Objective focal = new FocalLoss(0);
        Objective bce = objective(ObjectiveType.BCE);
        for (float logit = -6f; logit <= 6f; logit += 0.75f) {
            for (float target : new float[] {0f, 1f}) {
                assertEquals(bce.loss(logit, target, 3f, 1f), focal.loss(logit, target, 3f, 1f), 1e-12);
                assertEquals(bce.gradient(logit, target, 3f, 1f), focal.gradient(logit, target, 3f, 1f), 1e-7);
            }
        }
    }

    @Test
    void shouldIgnoreNegativesBelowTheMarginInAsymmetricLoss() {
        Objective asl = new AsymmetricLoss(0, 4, 0.05);
        float belowMargin = -3.5f;
        assertEquals(0, asl.loss(belowMargin, 0f, 1f, 1f));
        assertEquals(0, asl.gradient(belowMargin, 0f, 1f, 1f));
        assertTrue(asl.gradient(belowMargin, 1f, 1f, 1f) < 0, "positives are never ignored");
    }

    @ParameterizedTest
    @EnumSource(ObjectiveType.class)
    void shouldStayFiniteAndNonNegativeForExtremeLogits(ObjectiveType type) {
        Objective objective = objective(type);
        for (float logit : new float[] {-1e30f, -1000f, -40f, 0f, 40f, 1000f, 1e30f}) {
            for (float target : new float[] {0f, 1f}) {
                double loss = objective.loss(logit, target, 1000f, 1f);
                double gradient = objective.gradient(logit, target, 1000f, 1f);
                assertTrue(Double.isFinite(loss) && loss >= 0, type + " loss at " + logit + ": " + loss);
                assertTrue(Double.isFinite(gradient), type + " gradient at " + logit + ": " + gradient);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ObjectiveType.class)
    void shouldNeverPushLogitAwayFromTargetAndPushEveryWrongScore(ObjectiveType type) {
        Objective objective = objective(type);
        for (float logit = -4f; logit <= 4f; logit += 0.5f) {
            assertTrue(objective.gradient(logit, 1f, 1f, 1f) < 0, type + " positive at " + logit);
            // A loss may ignore easy negatives (ASL's margin), never one scored as likely positive.
            double negative = objective.gradient(logit, 0f, 1f, 1f);
            assertTrue(logit >= 0 ? negative > 0 : negative >= 0, type + " negative at " + logit);
        }
    }

    @ParameterizedTest
    @EnumSource(ObjectiveType.class)
    void shouldAverageImportanceWeightedElementsOverRowsWithOffsetsShiftingTheLogit(ObjectiveType type) {
        Objective objective = objective(type);
        int rows = 3;
        int labels = 2;
        float[] logits = {0.5f, -1.25f, 2f, 0.75f, -3f, 1.5f};
        float[] targets = {1f, 0f, 0f, 1f, 1f, 1f};
        float[] importances = {1f, 2.5f, 0.5f};
        float[] pos = {3f, 1.5f};
        float[] neg = {1f, 0.75f};
        float[] offsets = {-0.5f, 0.25f};
        float[] gradients = new float[rows * labels];
        Objective.Losses losses = objective.evaluate(logits, targets, importances, rows, labels, pos, neg, offsets,
                gradients);
        double expected = 0;
        for (int row = 0; row < rows; row++) {
            for (int label = 0; label < labels; label++) {
                int i = row * labels + label;
                float shifted = logits[i] + offsets[label];
                expected += importances[row] * objective.loss(shifted, targets[i], pos[label], neg[label]);
                assertEquals(importances[row] / rows * objective.gradient(shifted, targets[i], pos[label], neg[label]),
                        gradients[i], 1e-6, type + " gradient " + i);
            }
        }
        assertEquals(expected / rows, losses.weighted(), 1e-9, type + " loss");
    }

    /**
     * The unweighted loss is plain binary cross-entropy of the logits without offsets, whatever the offsets (the
     * objectives derive it from the shifted logit's exponential), to 1e-12 relative over logits and offsets as large
     * as logit adjustment makes them (priors clamped at 1e-4: |offset| <= 4 * 9.21), and larger.
     */
    @ParameterizedTest
    @EnumSource(ObjectiveType.class)
    void shouldReportUnweightedLossOfTheLogitsWithoutOffsets(ObjectiveType type) {
        Objective objective = objective(type);
        float[] rawLogits = {-60f, -12.5f, -3f, -0.75f, -H, 0f, H, 0.5f, 2.25f, 9f, 40f, 80f};
        float[] offsets = {-36.8f, -9.2f, -2.2f, -0.001f, 0f, 0.3f, 4.5f, 36.8f, -400f, 400f};
        int rows = rawLogits.length;
        int labels = offsets.length;
        float[] logits = new float[rows * labels];
        float[] targets = new float[rows * labels];
        double expected = 0;
        for (int row = 0; row < rows; row++) {
            for (int label = 0; label < labels; label++) {
                int i = row * labels + label;
                logits[i] = rawLogits[row];
                targets[i] = (row + label) % 2;
                double x = rawLogits[row];
                // log(1 + e^x) and log(1 + e^-x), each where it cannot overflow.
                double softplus = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
                expected += targets[i] == 1f ? softplus - x : softplus;
            }
        }
        float[] ones = new float[rows];
        java.util.Arrays.fill(ones, 1f);
        float[] weights = new float[labels];
        java.util.Arrays.fill(weights, 1f);
        Objective.Losses losses = objective.evaluate(logits, targets, ones, rows, labels, weights, weights, offsets,
                new float[rows * labels]);
        assertEquals(expected / rows, losses.unweighted(), 1e-12 * expected / rows, type + " unweighted loss");
    }
}
