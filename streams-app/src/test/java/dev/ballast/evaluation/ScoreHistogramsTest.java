package dev.ballast.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScoreHistogramsTest {

  @Test
  void shouldEstimateAuprcOfOneForAPerfectRanker() {
    ScoreHistograms histograms = new ScoreHistograms(1, 100, Double.POSITIVE_INFINITY);
    Random random = new Random(1);
    for (int i = 0; i < 10_000; i++) {
      boolean positive = random.nextDouble() < 0.02;
      float score = positive ? 0.8f + 0.2f * random.nextFloat() : 0.7f * random.nextFloat();
      histograms.add(0, score, positive);
    }
    assertEquals(1.0, histograms.auprc(0), 1e-12);
  }

  @Test
  void shouldEstimateAuprcNearPrevalenceForRandomScores() {
    ScoreHistograms histograms = new ScoreHistograms(1, 100, Double.POSITIVE_INFINITY);
    Random random = new Random(2);
    for (int i = 0; i < 200_000; i++) {
      histograms.add(0, random.nextFloat(), random.nextDouble() < 0.05);
    }
    assertEquals(0.05, histograms.auprc(0), 0.01);
  }

  @Test
  void shouldComputeAveragePrecisionStepwiseOverBins() {
    ScoreHistograms histograms = new ScoreHistograms(1, 10, Double.POSITIVE_INFINITY);
    histograms.add(0, 0.95f, true);
    histograms.add(0, 0.85f, false);
    histograms.add(0, 0.75f, true);
    histograms.add(0, 0.15f, false);
    // ranked: P (precision 1), N, P (precision 2/3), N -> AP = (1 + 2/3) / 2
    assertEquals((1 + 2.0 / 3) / 2, histograms.auprc(0), 1e-12);
    assertEquals(2, histograms.positives(0));
    assertEquals(2, histograms.negatives(0));
  }

  @Test
  void shouldKeepTheShapeButOnlyTheMemoryWeightWhenForgetting() {
    ScoreHistograms histograms = new ScoreHistograms(2, 10, 5_000);
    Random random = new Random(3);
    for (int i = 0; i < 4_000; i++) {
      boolean positive = random.nextDouble() < 0.2;
      histograms.add(0, positive ? 0.5f + 0.5f * random.nextFloat() : 0.6f * random.nextFloat(), positive);
      histograms.add(1, random.nextFloat(), positive);
    }
    double auprc = histograms.auprc(0);
    double share = histograms.positives(0) / (histograms.positives(0) + histograms.negatives(0));
    double otherPositives = histograms.positives(1);
    histograms.forget(0, 200);
    assertEquals(200, histograms.positives(0) + histograms.negatives(0), 1e-9);
    assertEquals(share, histograms.positives(0) / 200, 1e-12);
    assertEquals(auprc, histograms.auprc(0), 1e-12);
    assertEquals(otherPositives, histograms.positives(1), "the other labels keep their mass");
    // 200 new events of a ranker that puts every positive lowest now weigh as much as the past (decay aside).
    for (int i = 0; i < 200; i++) {
      histograms.add(0, i % 5 == 0 ? 0.05f : 0.95f, i % 5 == 0);
    }
    assertEquals(400, histograms.positives(0) + histograms.negatives(0), 15);
    assertTrue(histograms.auprc(0) < auprc - 0.1, "the new scores pull the estimate down at once");
    // Forgetting more than a label holds leaves it as it is.
    double held = histograms.positives(0);
    histograms.forget(0, 1e9);
    assertEquals(held, histograms.positives(0));
  }

  @Test
  void shouldKeepTheScoresAndDecayAtTheNewRateUnderAnotherHalfLife() {
    ScoreHistograms histograms = new ScoreHistograms(2, 10, 2_000);
    Random random = new Random(4);
    for (int i = 0; i < 20_000; i++) {
      boolean positive = random.nextDouble() < 0.1;
      histograms.add(0, positive ? 0.4f + 0.6f * random.nextFloat() : 0.7f * random.nextFloat(), positive);
    }
    histograms.add(1, 0.9f, true);
    double auprc = histograms.auprc(0);
    double share = histograms.positives(0) / (histograms.positives(0) + histograms.negatives(0));
    assertTrue(histograms.positives(0) + histograms.negatives(0) > 2_800, "about 2,000 / ln 2 events' weight");

    ScoreHistograms shorter = histograms.withHalfLife(1_000);
    assertEquals(1_000, shorter.halfLifeEvents());
    double kept = 1 / (1 - Math.pow(2, -1 / 1_000.0));
    assertEquals(kept, shorter.positives(0) + shorter.negatives(0), 1e-6, "capped at what 1,000 keeps");
    assertEquals(share, shorter.positives(0) / kept, 1e-12);
    assertEquals(auprc, shorter.auprc(0), 1e-12, "the shape is kept");
    assertEquals(1, shorter.positives(1), 1e-12, "a label under the cap keeps its mass");
    assertEquals(auprc, histograms.auprc(0), 1e-12, "the original is left as it was");
    for (int i = 0; i < 1_000; i++) {
      shorter.add(1, 0.1f, false);
    }
    assertEquals(0.5, shorter.positives(1), 1e-9, "then it decays at the new rate");

    ScoreHistograms longer = histograms.withHalfLife(Double.POSITIVE_INFINITY);
    assertEquals(histograms.positives(0), longer.positives(0), 1e-9, "nothing to cap for plain counts");
    longer.add(1, 0.1f, false);
    assertEquals(1, longer.positives(1), 1e-12);
  }

  @Test
  void shouldReportZeroAuprcWithoutPositives() {
    ScoreHistograms histograms = new ScoreHistograms(1, 10, 100);
    histograms.add(0, 0.3f, false);
    assertEquals(0, histograms.auprc(0));
  }

  @Test
  void shouldDecayPerLabelEventsWithHalfLife() {
    ScoreHistograms histograms = new ScoreHistograms(2, 10, 20);
    histograms.add(0, 0.9f, true);
    for (int i = 0; i < 20; i++) {
      histograms.add(0, 0.1f, false);
    }
    histograms.add(1, 0.9f, true);
    assertEquals(0.5, histograms.positives(0), 1e-12);
    assertEquals(1, histograms.positives(1), 1e-12);
  }

  @Test
  void shouldKeepDecayedCountsAccurateOverVeryLongStreams() {
    double halfLife = 10;
    ScoreHistograms histograms = new ScoreHistograms(1, 10, halfLife);
    for (int i = 0; i < 100_000; i++) {
      histograms.add(0, 0.5f, i % 2 == 0);
    }
    double window = 1 / (1 - Math.pow(2, -1 / halfLife));
    assertEquals(window, histograms.positives(0) + histograms.negatives(0), 1e-9);
  }

  @Test
  void shouldRejectProbabilitiesOutsideUnitInterval() {
    ScoreHistograms histograms = new ScoreHistograms(1, 10, 10);
    assertThrows(IllegalArgumentException.class, () -> histograms.add(0, Float.NaN, true));
    assertThrows(IllegalArgumentException.class, () -> histograms.add(0, 1.01f, true));
    assertThrows(IllegalArgumentException.class, () -> histograms.add(0, -0.01f, false));
  }

  @Test
  void shouldRestoreBitExactly() throws IOException {
    ScoreHistograms original = new ScoreHistograms(3, 50, 7);
    Random random = new Random(4);
    for (int i = 0; i < 5_000; i++) {
      original.add(random.nextInt(3), random.nextFloat(), random.nextBoolean());
    }
    ScoreHistograms restored = ScoreHistograms.fromSaved(StateRoundTrip.roundTrip(original.toSaved()));
    assertEquals(original.toSaved(), restored.toSaved());
    original.add(1, 0.4f, true);
    restored.add(1, 0.4f, true);
    assertEquals(original.auprc(1), restored.auprc(1));
    assertEquals(original.positives(1), restored.positives(1));
  }
}
