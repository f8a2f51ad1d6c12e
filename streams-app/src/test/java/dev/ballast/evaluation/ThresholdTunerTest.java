package dev.ballast.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdTunerTest {

  private static ThresholdSettings settings(ThresholdMetric metric, double beta, double recallFloor,
                                            double minPositives) {
    return new ThresholdSettings(ThresholdPolicy.TUNED, metric, beta, recallFloor, 100, 10_000, minPositives, 0, 0.5f);
  }

  private static void observeOne(ThresholdTuner tuner, float probability, boolean positive) {
    tuner.observe(new float[] {probability}, new float[] {positive ? 1 : 0}, 1);
  }

  /** Each row: a score, how many positives and how many negatives were scored so. */
  private static void observeCounts(ThresholdTuner tuner, float[][] scoresAndTruth) {
    for (float[] bin : scoresAndTruth) {
      for (int i = 0; i < bin[1]; i++) {
        observeOne(tuner, bin[0], true);
      }
      for (int i = 0; i < bin[2]; i++) {
        observeOne(tuner, bin[0], false);
      }
    }
  }

  /** Five positives scored 0.6 and five negatives scored 0.4: any cut in (0.4, 0.6] separates them. */
  private static ThresholdTuner separableHistory(ThresholdSettings settings) {
    ThresholdTuner tuner = new ThresholdTuner(1, settings);
    for (int i = 0; i < 5; i++) {
      observeOne(tuner, 0.6f, true);
      observeOne(tuner, 0.4f, false);
    }
    return tuner;
  }

  @Test
  void shouldRaiseF1AboveFixedHalfOnSkewedScores() {
    ThresholdTuner tuner = new ThresholdTuner(1, ThresholdSettings.defaults());
    PrequentialMetrics tuned = new PrequentialMetrics(List.of("rare"), 100, Double.POSITIVE_INFINITY);
    PrequentialMetrics fixed = new PrequentialMetrics(List.of("rare"), 100, Double.POSITIVE_INFINITY);
    Random random = new Random(8);
    int rows = 16;
    float[] probabilities = new float[rows];
    float[] targets = new float[rows];
    for (int batch = 0; batch < 2_000; batch++) {
      for (int row = 0; row < rows; row++) {
        boolean positive = random.nextDouble() < 0.05;
        targets[row] = positive ? 1 : 0;
        probabilities[row] = positive ? 0.2f + 0.4f * random.nextFloat() : 0.3f * random.nextFloat();
      }
      tuned.update(probabilities, targets, rows, tuner.thresholds());
      fixed.update(probabilities, targets, rows, new float[] {0.5f});
      tuner.observe(probabilities, targets, rows);
    }
    assertTrue(tuned.macroF1() > fixed.macroF1() + 0.3,
        () -> "tuned F1 " + tuned.macroF1() + " vs fixed " + fixed.macroF1());
    // The cut lands in (0.2, 0.3], pulled toward 0.5 by the default prior of 2 positives against about 72 decayed
    // ones: by about 0.005.
    assertTrue(tuner.thresholds()[0] > 0.2f && tuner.thresholds()[0] <= 0.31f,
        () -> "threshold " + tuner.thresholds()[0]);
  }

  @Test
  void shouldDecideAnEventWithoutItsOwnScoreOrLabel() {
    ThresholdSettings settings = settings(ThresholdMetric.F1, 1, 0.5, 1);
    ThresholdTuner lowPositive = separableHistory(settings);
    ThresholdTuner highNegative = separableHistory(settings);
    float[] decidingLowPositive = lowPositive.thresholds();
    float[] decidingHighNegative = highNegative.thresholds();

    observeOne(lowPositive, 0.45f, true);
    observeOne(highNegative, 0.95f, false);

    assertArrayEquals(new float[] {0.6f}, decidingLowPositive);
    assertArrayEquals(decidingLowPositive, decidingHighNegative);
    // The events do move the thresholds used for later events: the test above could have failed.
    assertArrayEquals(new float[] {0.45f}, lowPositive.thresholds());
    assertArrayEquals(new float[] {0.6f}, highNegative.thresholds());
  }

  @Test
  void shouldKeepDefaultThresholdUntilMinPositivesSeen() {
    ThresholdTuner tuner = new ThresholdTuner(1, new ThresholdSettings(ThresholdPolicy.TUNED, ThresholdMetric.F1,
        1, 0.5, 100, Double.POSITIVE_INFINITY, 5, 0, 0.5f));
    for (int i = 0; i < 4; i++) {
      observeOne(tuner, 0.2f, true);
      observeOne(tuner, 0.1f, false);
    }
    assertArrayEquals(new float[] {0.5f}, tuner.thresholds());
    observeOne(tuner, 0.2f, true);
    assertArrayEquals(new float[] {0.2f}, tuner.thresholds());
  }

  /**
   * With prior positives k, a label tuned on n decayed positives gets (n * tuned + k * default) / (n + k): pulled
   * most while n is small, less and less as positives come; k = 0 leaves the tuned cut.
   */
  @Test
  void shouldPullATunedThresholdTowardTheDefaultByThePriorPositivesAgainstItsOwn() {
    ThresholdTuner unpulled = new ThresholdTuner(1, new ThresholdSettings(ThresholdPolicy.TUNED, ThresholdMetric.F1,
        1, 0.5, 100, Double.POSITIVE_INFINITY, 1, 0, 0.5f));
    ThresholdTuner pulled = new ThresholdTuner(1, new ThresholdSettings(ThresholdPolicy.TUNED, ThresholdMetric.F1,
        1, 0.5, 100, Double.POSITIVE_INFINITY, 1, 2, 0.5f));
    // Positives scored 0.2, negatives 0.1: F1 is best cutting at 0.2, below the default of 0.5.
    for (int positives = 1; positives <= 20; positives++) {
      for (ThresholdTuner tuner : List.of(unpulled, pulled)) {
        observeOne(tuner, 0.2f, true);
        observeOne(tuner, 0.1f, false);
      }
      assertEquals(0.2f, unpulled.thresholds()[0], 1e-6f);
      assertEquals((positives * 0.2 + 2 * 0.5) / (positives + 2), pulled.thresholds()[0], 1e-6, "after " + positives);
    }
    // A cut above the default is pulled down toward it the same way.
    ThresholdTuner high = new ThresholdTuner(1, new ThresholdSettings(ThresholdPolicy.TUNED, ThresholdMetric.F1,
        1, 0.5, 100, Double.POSITIVE_INFINITY, 1, 2, 0.5f));
    for (int i = 0; i < 6; i++) {
      observeOne(high, 0.9f, true);
      observeOne(high, 0.7f, false);
    }
    assertEquals((6 * 0.9 + 2 * 0.5) / 8, high.thresholds()[0], 1e-6);
    // No floor and no pull: a label without positives keeps a number, never 0 / 0.
    ThresholdTuner bare = new ThresholdTuner(1, new ThresholdSettings(ThresholdPolicy.TUNED, ThresholdMetric.F1,
        1, 0.5, 100, Double.POSITIVE_INFINITY, 0, 0, 0.5f));
    observeOne(bare, 0.3f, false);
    assertEquals(0.5f, bare.thresholds()[0]);
  }

  @Test
  void shouldKeepDefaultRatherThanThresholdZeroWhenAllScoresAreInLowestBin() {
    ThresholdTuner tuner = new ThresholdTuner(1, settings(ThresholdMetric.F1, 1, 0.5, 1));
    for (int i = 0; i < 50; i++) {
      observeOne(tuner, 0.001f, i % 5 == 0);
    }
    assertArrayEquals(new float[] {0.5f}, tuner.thresholds());
  }

  @Test
  void shouldFavourRecallWithLargeBeta() {
    ThresholdTuner f1 = new ThresholdTuner(1, settings(ThresholdMetric.F1, 1, 0.5, 1));
    ThresholdTuner recallHeavy = new ThresholdTuner(1, settings(ThresholdMetric.F_BETA, 4, 0.5, 1));
    for (ThresholdTuner tuner : List.of(f1, recallHeavy)) {
      for (int i = 0; i < 10; i++) {
        observeOne(tuner, 0.8f, true);
      }
      for (int i = 0; i < 5; i++) {
        observeOne(tuner, 0.3f, true);
      }
      for (int i = 0; i < 20; i++) {
        observeOne(tuner, 0.3f, false);
      }
    }
    assertArrayEquals(new float[] {0.8f}, f1.thresholds());
    assertArrayEquals(new float[] {0.3f}, recallHeavy.thresholds());
  }

  @Test
  void shouldMaximisePrecisionSubjectToRecallFloor() {
    ThresholdTuner tuner = new ThresholdTuner(1, settings(ThresholdMetric.PRECISION_AT_RECALL, 1, 0.7, 1));
    // positives: 6 at 0.9, 2 at 0.6, 2 at 0.3; negatives: 1 at 0.9, 4 at 0.6, 1 at 0.3
    float[][] scoresAndTruth = {{0.9f, 6, 1}, {0.6f, 2, 4}, {0.3f, 2, 1}};
    observeCounts(tuner, scoresAndTruth);
    // 0.9: recall 0.6 (below floor); 0.6: recall 0.8, precision 8/13; 0.3: recall 1, precision 10/16
    assertArrayEquals(new float[] {0.3f}, tuner.thresholds());
  }

  @Test
  void shouldTakeHighestRecallWhenRecallFloorIsOutOfReach() {
    ThresholdTuner tuner = new ThresholdTuner(1, settings(ThresholdMetric.PRECISION_AT_RECALL, 1, 0.9, 1));
    for (int i = 0; i < 5; i++) {
      observeOne(tuner, 0.7f, true);
      observeOne(tuner, 0.4f, true);
      observeOne(tuner, 0.001f, true);
    }
    assertArrayEquals(new float[] {0.4f}, tuner.thresholds());
  }

  @Test
  void shouldKeepDefaultThresholdsUnderFixedPolicy() {
    ThresholdSettings fixed = new ThresholdSettings(ThresholdPolicy.FIXED, ThresholdMetric.F1, 1, 0.5, 100,
        1_000, 1, 0, 0.4f);
    ThresholdTuner tuner = separableHistory(fixed);
    assertArrayEquals(new float[] {0.4f}, tuner.thresholds());
  }

  @Test
  void shouldReTuneFromTheKeptHistogramsUnderNewSettingsOfTheSameBins() {
    // positives: 6 at 0.9, 1 at 0.6, 3 at 0.3; negatives: 1 at 0.6, 10 at 0.3
    ThresholdTuner f1 = new ThresholdTuner(1, settings(ThresholdMetric.F1, 1, 0.8, 1));
    float[][] scoresAndTruth = {{0.9f, 6, 0}, {0.6f, 1, 1}, {0.3f, 3, 10}};
    observeCounts(f1, scoresAndTruth);
    assertArrayEquals(new float[] {0.6f}, f1.thresholds(), "F1 14/18 at 0.6, 12/16 at 0.9, 20/31 at 0.3");

    ThresholdTuner shorterMemory = f1.withSettings(new ThresholdSettings(ThresholdPolicy.TUNED, ThresholdMetric.F1,
        1, 0.8, 100, 5, 1, 0, 0.5f));
    assertArrayEquals(f1.thresholds(), shorterMemory.thresholds(), "the same scores, the same cut");
    assertEquals(5, shorterMemory.settings().halfLifeEvents());

    ThresholdTuner precisionAtRecall = f1.withSettings(settings(ThresholdMetric.PRECISION_AT_RECALL, 1, 0.8, 1));
    assertArrayEquals(new float[] {0.3f}, precisionAtRecall.thresholds(), "recall 0.7 at 0.6 is below the floor");
    ThresholdTuner moreEvidence = f1.withSettings(settings(ThresholdMetric.F1, 1, 0.8, 11));
    assertArrayEquals(new float[] {0.5f}, moreEvidence.thresholds(), "10 positives are fewer than 11");
    ThresholdTuner fixed = f1.withSettings(new ThresholdSettings(ThresholdPolicy.FIXED, ThresholdMetric.F1, 1, 0.8,
        100, 10_000, 1, 0, 0.4f));
    assertArrayEquals(new float[] {0.4f}, fixed.thresholds());
    assertArrayEquals(new float[] {0.6f}, f1.thresholds(), "the original tuner is left as it was");
    assertThrows(IllegalArgumentException.class, () -> f1.withSettings(new ThresholdSettings(ThresholdPolicy.TUNED,
        ThresholdMetric.F1, 1, 0.8, 50, 10_000, 1, 0, 0.5f)));
  }

  @Test
  void shouldRestoreThresholdsBitExactlyAndKeepTuningIdentically() throws IOException {
    ThresholdTuner original = new ThresholdTuner(3, new ThresholdSettings(ThresholdPolicy.TUNED,
        ThresholdMetric.F_BETA, 2, 0.5, 64, 500, 3, 1.5, 0.5f));
    Random random = new Random(9);
    float[] probabilities = new float[3 * 10];
    float[] targets = new float[3 * 10];
    for (int batch = 0; batch < 200; batch++) {
      fill(random, probabilities, targets);
      original.observe(probabilities, targets, 10);
    }
    ThresholdTuner restored = ThresholdTuner.fromSaved(StateRoundTrip.roundTrip(original.toSaved()));
    assertEquals(original.settings(), restored.settings());
    assertEquals(original.toSaved(), restored.toSaved());
    for (int batch = 0; batch < 50; batch++) {
      fill(random, probabilities, targets);
      original.observe(probabilities, targets, 10);
      restored.observe(probabilities, targets, 10);
      assertTrue(Arrays.equals(original.thresholds(), restored.thresholds()));
    }
    assertFalse(Arrays.equals(new float[] {0.5f, 0.5f, 0.5f}, restored.thresholds()));
  }

  @Test
  void shouldParseConfigNamesAndListValidOnesWhenUnknown() {
    assertEquals(ThresholdPolicy.TUNED, ThresholdPolicy.fromConfigName("tuned"));
    assertEquals(ThresholdMetric.PRECISION_AT_RECALL, ThresholdMetric.fromConfigName("precision-at-recall"));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> ThresholdMetric.fromConfigName("fbeta"));
    assertTrue(error.getMessage().contains("f1, f-beta, precision-at-recall"), error.getMessage());
  }

  @Test
  void shouldRejectThresholdSettingsOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> new ThresholdSettings(ThresholdPolicy.TUNED,
        ThresholdMetric.F1, 1, 0.5, 100, 1_000, 5, 0, 0f));
    assertThrows(IllegalArgumentException.class, () -> new ThresholdSettings(ThresholdPolicy.TUNED,
        ThresholdMetric.F1, 1, 1.5, 100, 1_000, 5, 0, 0.5f));
    assertThrows(IllegalArgumentException.class, () -> new ThresholdSettings(ThresholdPolicy.TUNED,
        ThresholdMetric.F1, 1, 0.5, 1, 1_000, 5, 0, 0.5f));
    assertThrows(IllegalArgumentException.class, () -> new ThresholdSettings(ThresholdPolicy.TUNED,
        ThresholdMetric.F1, 1, 0.5, 100, 1_000, 5, -1, 0.5f));
  }

  private static void fill(Random random, float[] probabilities, float[] targets) {
    for (int i = 0; i < probabilities.length; i++) {
      boolean positive = random.nextDouble() < 0.1 * (i % 3 + 1);
      targets[i] = positive ? 1 : 0;
      probabilities[i] = positive ? 0.3f + 0.7f * random.nextFloat() : 0.6f * random.nextFloat();
    }
  }

  /**
   * The tuner searches the bins again only for labels an event may have moved (a positive, or a negative at or above
   * the chosen bin). Checked against a tuner restored from its saved state before every chunk, which searches every
   * label afresh: the same thresholds after every chunk of a drifting three-label stream, for each metric.
   */
  @Test
  void shouldChooseAsAFullSearchWouldWhenItSearchesOnlyTheLabelsAnEventMayHaveMoved() throws IOException {
    for (ThresholdMetric metric : ThresholdMetric.values()) {
      ThresholdTuner tuner = new ThresholdTuner(3, new ThresholdSettings(ThresholdPolicy.TUNED, metric, 2.0, 0.8, 100,
          300, 2, 2, 0.5f));
      Random random = new Random(11);
      float[] probabilities = new float[8 * 3];
      float[] targets = new float[8 * 3];
      for (int chunk = 0; chunk < 400; chunk++) {
        double[] prevalence = {0.02 + 0.2 * ((chunk / 100) % 2), 0.3, 0.005};
        for (int i = 0; i < probabilities.length; i++) {
          boolean positive = random.nextDouble() < prevalence[i % 3];
          targets[i] = positive ? 1 : 0;
          probabilities[i] = (float) Math.min(1, Math.max(0, (positive ? 0.45 : 0.2) + 0.25 * random.nextGaussian()));
        }
        ThresholdTuner fresh = ThresholdTuner.fromSaved(StateRoundTrip.roundTrip(tuner.toSaved()));
        tuner.observe(probabilities, targets, 8);
        fresh.observe(probabilities, targets, 8);
        assertArrayEquals(fresh.thresholds(), tuner.thresholds(), 0f, metric + ", chunk " + chunk);
      }
    }
  }
}
