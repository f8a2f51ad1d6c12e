package dev.ballast.evaluation.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.StateRoundTrip;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrevalenceCusumTest {

  private static final int BATCH = 32;
  /** The weight of the counts behind each prior: well above the default minimum. */
  private static final double[] SETTLED = {2_000};

  private static PrevalenceCusum defaultDetector() {
    return ShiftDetectorSettings.defaults().newCusum(1);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.003, 0.01, 0.05, 0.3, 0.5, 0.9})
  void shouldNotFireOverAStationaryStreamWhenThePriorIsTheRate(double prevalence) {
    PrevalenceCusum detector = defaultDetector();
    Random random = new Random(21);
    for (int batch = 0; batch < 200_000 / BATCH; batch++) {
      List<ImbalanceSignal> shifts = detector.update(batch(random, prevalence), BATCH, new double[] {prevalence},
          SETTLED);
      assertTrue(shifts.isEmpty(), () -> "false shift " + shifts);
    }
  }

  /** Tenfold falls and rises: the delay bound is twice the threshold over the expected log-likelihood ratio per event. */
  @ParameterizedTest
  @CsvSource({"0.05, 0.005, 600", "0.3, 0.03, 120", "0.01, 0.1, 250", "0.03, 0.3, 120"})
  void shouldFireSoonAfterATenfoldShiftAndEstimateTheNewPrevalence(double before, double after, int maxDelay) {
    PrevalenceCusum detector = defaultDetector();
    Random random = new Random(22);
    for (int batch = 0; batch < 20_000 / BATCH; batch++) {
      assertTrue(detector.update(batch(random, before), BATCH, new double[] {before}, SETTLED).isEmpty(),
          "false shift before the change");
    }
    for (int events = BATCH; events <= maxDelay + BATCH; events += BATCH) {
      List<ImbalanceSignal> shifts = detector.update(batch(random, after), BATCH, new double[] {before}, SETTLED);
      if (!shifts.isEmpty()) {
        ImbalanceSignal shift = shifts.get(0);
        assertEquals(ImbalanceSignal.Kind.PREVALENCE_SHIFT, shift.kind());
        assertEquals(before, shift.before());
        assertTrue(Math.abs(Math.log(shift.after() / after)) < Math.log(3) || (after < before && shift.after() < 0.02),
            () -> "estimated " + shift.after() + " for " + after);
        return;
      }
    }
    throw new AssertionError("no shift within " + maxDelay + " events of " + before + " -> " + after);
  }

  @Test
  void shouldNotTestALabelWhosePriorRestsOnTooFewEvents() {
    PrevalenceCusum detector = defaultDetector();
    Random random = new Random(23);
    for (int batch = 0; batch < 1_000; batch++) {
      assertTrue(detector.update(batch(random, 0.5), BATCH, new double[] {0.01}, new double[] {99}).isEmpty());
    }
    assertEquals(1, detector.update(allPositive(), BATCH, new double[] {0.01}, new double[] {100}).size(),
        "tested once the prior's weight reaches the minimum");
  }

  @Test
  void shouldRestartAfterFiringSoThatTheNextBatchIsJudgedAfresh() {
    PrevalenceCusum detector = defaultDetector();
    assertEquals(1, detector.update(allPositive(), BATCH, new double[] {0.01}, SETTLED).size());
    assertTrue(detector.update(new float[BATCH], BATCH, new double[] {0.01}, SETTLED).isEmpty(),
        "negatives at the prior's rate add no evidence of a fall");
  }

  @Test
  void shouldWatchEachLabelOnItsOwn() {
    PrevalenceCusum detector = new PrevalenceCusum(2, 4, 8, 100);
    float[] targets = new float[2 * BATCH];
    for (int row = 0; row < BATCH; row++) {
      targets[row * 2 + 1] = 1;
    }
    List<ImbalanceSignal> shifts = detector.update(targets, BATCH, new double[] {0.01, 0.01}, new double[] {500, 500});
    assertEquals(1, shifts.size());
    assertEquals(1, shifts.get(0).label());
    assertEquals(1.0, shifts.get(0).after());
  }

  @Test
  void shouldRestoreBitExactlyAndFireAtTheSameBatch() throws IOException {
    PrevalenceCusum original = defaultDetector();
    Random random = new Random(24);
    for (int batch = 0; batch < 300; batch++) {
      original.update(batch(random, 0.1), BATCH, new double[] {0.1}, SETTLED);
    }
    PrevalenceCusum restored = PrevalenceCusum.fromSaved(StateRoundTrip.roundTrip(original.toSaved()));
    assertEquals(original.toSaved(), restored.toSaved());
    int fired = 0;
    for (int batch = 0; batch < 300; batch++) {
      float[] targets = batch(random, 0.4);
      List<ImbalanceSignal> expected = original.update(targets, BATCH, new double[] {0.1}, SETTLED);
      assertEquals(expected, restored.update(targets, BATCH, new double[] {0.1}, SETTLED));
      fired += expected.size();
    }
    assertTrue(fired > 0, "the comparison covered a firing");
  }

  @Test
  void shouldRefuseParametersThatTestNothing() {
    assertThrows(IllegalArgumentException.class, () -> new PrevalenceCusum(1, 1, 8, 100));
    assertThrows(IllegalArgumentException.class, () -> new PrevalenceCusum(1, 4, 0, 100));
    assertThrows(IllegalArgumentException.class, () -> new PrevalenceCusum(1, 4, 8, 0));
  }

  private static float[] batch(Random random, double prevalence) {
    float[] targets = new float[BATCH];
    for (int row = 0; row < BATCH; row++) {
      targets[row] = random.nextDouble() < prevalence ? 1 : 0;
    }
    return targets;
  }

  private static float[] allPositive() {
    float[] targets = new float[BATCH];
    java.util.Arrays.fill(targets, 1);
    return targets;
  }

  /**
   * A batch observed in parts after {@link PrevalenceCusum#begin} is the batch at once: the same firings against the
   * batch's prior, a label that fired leaving the rest of the batch out, and the same sums after.
   */
  @Test
  void shouldObserveABatchInPartsAsAtOnce() {
    PrevalenceCusum whole = new PrevalenceCusum(2, 4, 3, 10);
    PrevalenceCusum parts = new PrevalenceCusum(2, 4, 3, 10);
    Random random = new Random(4);
    double[] priors = {0.05, 0.3};
    double[] events = {1000, 1000};
    int fired = 0;
    for (int batch = 0; batch < 200; batch++) {
      float[] targets = new float[32 * 2];
      for (int row = 0; row < 32; row++) {
        targets[row * 2] = random.nextDouble() < (batch % 50 < 25 ? 0.05 : 0.4) ? 1f : 0f;
        targets[row * 2 + 1] = random.nextDouble() < 0.3 ? 1f : 0f;
      }
      List<ImbalanceSignal> expected = whole.update(targets, 32, priors, events);
      parts.begin(priors, events);
      List<ImbalanceSignal> actual = new java.util.ArrayList<>(parts.observe(targets, 16));
      actual.addAll(parts.observe(java.util.Arrays.copyOfRange(targets, 32, 64), 16));
      // The same signals; in parts, those of the first part come first.
      actual.sort(java.util.Comparator.comparingInt(ImbalanceSignal::label));
      assertEquals(expected, actual, "batch " + batch);
      fired += expected.size();
    }
    assertTrue(fired > 0, "the rises fired");
    assertEquals(whole.toSaved(), parts.toSaved());
  }
}
