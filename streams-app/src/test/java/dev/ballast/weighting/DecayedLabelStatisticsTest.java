package dev.ballast.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ballast.evaluation.StateRoundTrip;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecayedLabelStatisticsTest {

  private static final float[] POSITIVE = {1};
  private static final float[] NEGATIVE = {0};

  @Test
  void shouldHalveAnObservationAfterHalfLifeEvents() {
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(1, 50);
    statistics.observe(POSITIVE, 0);
    for (int i = 0; i < 50; i++) {
      statistics.observe(NEGATIVE, 0);
    }
    assertEquals(0.5, statistics.positives(0), 1e-12);
    assertEquals(51, statistics.eventsObserved());
  }

  @Test
  void shouldConvergeTotalToEffectiveWindowWhenDecaying() {
    double halfLife = 100;
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(1, halfLife);
    for (int i = 0; i < 10_000; i++) {
      statistics.observe(NEGATIVE, 0);
    }
    assertEquals(1 / (1 - HalfLife.decayFactor(halfLife)), statistics.total(0), 1e-9);
  }

  @Test
  void shouldCountCumulativelyWhenHalfLifeIsInfinite() {
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(2, Double.POSITIVE_INFINITY);
    float[] rows = {1, 0, 0, 0, 1, 1, 0, 0};
    for (int row = 0; row < 4; row++) {
      statistics.observe(rows, row * 2);
    }
    assertEquals(2, statistics.positives(0));
    assertEquals(1, statistics.positives(1));
    assertEquals(4, statistics.total(0));
    assertEquals(0.25, statistics.prevalence(1));
  }

  @Test
  void shouldTrackPrevalenceAfterDrift() {
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(1, 200);
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      statistics.observe(random.nextDouble() < 0.01 ? POSITIVE : NEGATIVE, 0);
    }
    for (int i = 0; i < 5_000; i++) {
      statistics.observe(random.nextDouble() < 0.2 ? POSITIVE : NEGATIVE, 0);
    }
    assertEquals(0.2, statistics.prevalence(0), 0.05);
  }

  @Test
  void shouldRestartAtTheGivenPrevalenceWithTheGivenWeightWhenRebased() {
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(2, 1_000);
    float[] row = {1, 0};
    for (int i = 0; i < 3_000; i++) {
      row[0] = i % 4 == 0 ? 1 : 0;
      statistics.observe(row, 0);
    }
    double otherTotal = statistics.total(1);
    statistics.rebase(0, 0.01, 100);
    assertEquals(100, statistics.total(0), 1e-12);
    assertEquals(0.01, statistics.prevalence(0), 1e-12);
    assertEquals(otherTotal, statistics.total(1), "the other labels keep their counts");
    // A label with less history than the memory keeps its weight.
    statistics.rebase(0, 0.5, 1_000_000);
    assertEquals(100, statistics.total(0), 1e-12);
    assertEquals(0.5, statistics.prevalence(0), 1e-12);
    // Its memory refills: after 100 more events the old 100 weigh as much as the new ones (about half).
    row[0] = 0;
    for (int i = 0; i < 100; i++) {
      statistics.observe(row, 0);
    }
    assertEquals(0.5 * 100 * Math.pow(HalfLife.decayFactor(1_000), 100), statistics.positives(0), 1e-9);
  }

  @Test
  void shouldRejectARebaseOutsideTheUnitIntervalOrWithoutMemory() {
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(1, 10);
    assertThrows(IllegalArgumentException.class, () -> statistics.rebase(0, 1.5, 10));
    assertThrows(IllegalArgumentException.class, () -> statistics.rebase(0, 0.5, 0));
  }

  @Test
  void shouldReportZeroPrevalenceBeforeAnyEvent() {
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(3, 10);
    assertEquals(0, statistics.prevalence(2));
    assertEquals(0, statistics.total(2));
  }

  @Test
  void shouldRejectNonPositiveHalfLife() {
    assertThrows(IllegalArgumentException.class, () -> new DecayedLabelStatistics(1, 0));
    assertThrows(IllegalArgumentException.class, () -> new DecayedLabelStatistics(1, Double.NaN));
  }

  @Test
  void shouldRestoreBitExactlyAndContinueIdentically() throws IOException {
    DecayedLabelStatistics original = new DecayedLabelStatistics(3, 37.5);
    Random random = new Random(3);
    float[] targets = new float[3];
    for (int i = 0; i < 1_000; i++) {
      randomTargets(random, targets);
      original.observe(targets, 0);
    }
    DecayedLabelStatistics restored = roundTrip(original);
    for (int i = 0; i < 100; i++) {
      randomTargets(random, targets);
      original.observe(targets, 0);
      restored.observe(targets, 0);
    }
    assertEquals(original.eventsObserved(), restored.eventsObserved());
    assertEquals(original.halfLifeEvents(), restored.halfLifeEvents());
    for (int label = 0; label < 3; label++) {
      assertEquals(Double.doubleToRawLongBits(original.positives(label)),
          Double.doubleToRawLongBits(restored.positives(label)));
      assertEquals(Double.doubleToRawLongBits(original.total(label)),
          Double.doubleToRawLongBits(restored.total(label)));
    }
  }

  private static void randomTargets(Random random, float[] targets) {
    for (int label = 0; label < targets.length; label++) {
      targets[label] = random.nextDouble() < 0.1 * (label + 1) ? 1 : 0;
    }
  }

  private static DecayedLabelStatistics roundTrip(DecayedLabelStatistics statistics) throws IOException {
    return DecayedLabelStatistics.fromSaved(StateRoundTrip.roundTrip(statistics.toSaved()), statistics.halfLifeEvents());
  }
}
