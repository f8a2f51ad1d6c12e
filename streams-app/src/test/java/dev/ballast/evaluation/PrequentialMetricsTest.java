package dev.ballast.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrequentialMetricsTest {

  private static final float[] HALF = {0.5f, 0.5f, 0.5f};

  @Test
  void shouldMatchHandComputedConfusionCounts() {
    PrequentialMetrics metrics = new PrequentialMetrics(List.of("a", "b", "c"), 10, Double.POSITIVE_INFINITY);
    float[] probabilities = {
        0.9f, 0.2f, 0.1f,
        0.8f, 0.7f, 0.1f,
        0.3f, 0.6f, 0.2f,
        0.1f, 0.1f, 0.3f};
    float[] targets = {
        1, 0, 0,
        0, 1, 0,
        1, 1, 0,
        0, 0, 0};

    metrics.update(probabilities, targets, 4, HALF);

    // a: tp 1 (row 0), fp 1 (row 1), fn 1 (row 2)
    LabelReport a = metrics.label(0);
    assertEquals(new LabelReport("a", 2, 1, 1, 1, 0.5, 0.5, 0.5, a.auprc(), false), a);
    // b: tp 2 (rows 1, 2), fp 0, fn 0
    LabelReport b = metrics.label(1);
    assertEquals(new LabelReport("b", 2, 2, 0, 0, 1, 1, 1, 1, false), b);
    // c: never positive, never predicted: undefined ratios are 0, excluded from macro averages
    LabelReport c = metrics.label(2);
    assertEquals(new LabelReport("c", 0, 0, 0, 0, 0, 0, 0, 0, false), c);
    assertEquals(2, metrics.labelsWithPositives());
    assertEquals(0.75, metrics.macroF1(), 1e-12);
    assertEquals(0.75, metrics.macroPrecision(), 1e-12);
    assertEquals(0.75, metrics.macroRecall(), 1e-12);
    // micro: tp 3, fp 1, fn 1
    assertEquals(6.0 / 8, metrics.microF1(), 1e-12);
    assertEquals(4, metrics.events());
    // a ranked: 0.9 P, 0.8 N, 0.3 P -> AP (1 + 2/3) / 2
    assertEquals((1 + 2.0 / 3) / 2, a.auprc(), 1e-12);
    assertEquals(((1 + 2.0 / 3) / 2 + 1) / 2, metrics.macroAuprc(), 1e-12);
  }

  @Test
  void shouldUsePerLabelThresholds() {
    PrequentialMetrics metrics = new PrequentialMetrics(List.of("a", "b"), 10, Double.POSITIVE_INFINITY);
    metrics.update(new float[] {0.3f, 0.3f}, new float[] {1, 1}, 1, new float[] {0.2f, 0.4f});
    assertEquals(1, metrics.label(0).truePositives());
    assertEquals(1, metrics.label(1).falseNegatives());
  }

  @Test
  void shouldFlagCollapseWhenPositivesSeenButNonePredicted() {
    PrequentialMetrics metrics = new PrequentialMetrics(List.of("rare", "fine"), 10, 1_000);
    Random random = new Random(5);
    float[] probabilities = new float[2];
    float[] targets = new float[2];
    for (int i = 0; i < 2_000; i++) {
      targets[0] = random.nextDouble() < 0.05 ? 1 : 0;
      targets[1] = random.nextDouble() < 0.05 ? 1 : 0;
      probabilities[0] = 0.01f;
      probabilities[1] = targets[1] == 1 ? 0.9f : 0.1f;
      metrics.update(probabilities, targets, 1, new float[] {0.5f, 0.5f});
    }
    assertTrue(metrics.label(0).collapsed());
    assertFalse(metrics.label(1).collapsed());
    assertEquals(1, metrics.collapsedLabels());
    assertEquals(0, metrics.label(0).recall());
    assertEquals(1, metrics.label(1).f1(), 1e-12);
  }

  @Test
  void shouldForgetOldMistakesWithFiniteHalfLife() {
    PrequentialMetrics metrics = new PrequentialMetrics(List.of("a"), 10, 100);
    for (int i = 0; i < 1_000; i++) {
      metrics.update(new float[] {0.1f}, new float[] {1}, 1, new float[] {0.5f});
    }
    for (int i = 0; i < 2_000; i++) {
      metrics.update(new float[] {0.9f}, new float[] {1}, 1, new float[] {0.5f});
    }
    assertTrue(metrics.label(0).recall() > 0.999, () -> "recall " + metrics.label(0).recall());
  }

  @Test
  void shouldRestoreBitExactly() throws IOException {
    PrequentialMetrics original = new PrequentialMetrics(List.of("x", "y"), 20, 300);
    Random random = new Random(6);
    float[] probabilities = new float[2 * 8];
    float[] targets = new float[2 * 8];
    for (int batch = 0; batch < 100; batch++) {
      for (int i = 0; i < probabilities.length; i++) {
        probabilities[i] = random.nextFloat();
        targets[i] = random.nextDouble() < 0.2 ? 1 : 0;
      }
      original.update(probabilities, targets, 8, new float[] {0.3f, 0.6f});
    }
    PrequentialMetrics restored = PrequentialMetrics.fromSaved(StateRoundTrip.roundTrip(original.toSaved()));
    assertEquals(original.toSaved(), restored.toSaved());
    assertEquals(original.labels(), restored.labels());
    assertEquals(original.microF1(), restored.microF1());
    assertEquals(original.events(), restored.events());
  }
}
