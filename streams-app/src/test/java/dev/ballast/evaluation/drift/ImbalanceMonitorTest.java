package dev.ballast.evaluation.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.StateRoundTrip;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImbalanceMonitorTest {

  private static final int ROWS = 32;
  private static final float[] THRESHOLDS = {0.5f, 0.5f};

  /**
   * Label 0 ("shifting") is predicted well and its prevalence triples after 10,000 events; label 1
   * ("collapsing") is predicted well until 10,000 events and never positive afterwards.
   */
  private static List<ImbalanceSignal> feed(ImbalanceMonitor monitor, Random random, int fromBatch, int toBatch) {
    float[] probabilities = new float[ROWS * 2];
    float[] targets = new float[ROWS * 2];
    List<ImbalanceSignal> signals = new ArrayList<>();
    for (int batch = fromBatch; batch < toBatch; batch++) {
      boolean afterChange = batch * ROWS >= 10_000;
      for (int row = 0; row < ROWS; row++) {
        boolean shifting = random.nextDouble() < (afterChange ? 0.15 : 0.05);
        boolean collapsing = random.nextDouble() < 0.1;
        targets[row * 2] = shifting ? 1 : 0;
        targets[row * 2 + 1] = collapsing ? 1 : 0;
        probabilities[row * 2] = shifting ? 0.9f : 0.1f;
        probabilities[row * 2 + 1] = collapsing && !afterChange ? 0.9f : 0.1f;
      }
      signals.addAll(monitor.update(probabilities, targets, ROWS, THRESHOLDS));
    }
    return signals;
  }

  @Test
  void shouldSignalPrevalenceShiftRecallDropAndCollapseOfTheRightLabels() {
    ImbalanceMonitor monitor = new ImbalanceMonitor(List.of("shifting", "collapsing"), DetectorSettings.defaults());
    Random random = new Random(31);

    assertEquals(List.of(), feed(monitor, random, 0, 10_000 / ROWS));
    List<ImbalanceSignal> signals = feed(monitor, random, 10_000 / ROWS, 20_000 / ROWS);

    assertTrue(signals.stream().anyMatch(signal -> signal.label() == 0
        && signal.kind() == ImbalanceSignal.Kind.PREVALENCE_SHIFT && signal.after() > signal.before()), signals::toString);
    assertTrue(signals.stream().anyMatch(signal -> signal.label() == 1
        && signal.kind() == ImbalanceSignal.Kind.MINORITY_RECALL_DROP && "ddm-oci".equals(signal.detector())),
        signals::toString);
    assertEquals(1, signals.stream().filter(signal -> signal.label() == 1
        && signal.kind() == ImbalanceSignal.Kind.COLLAPSE_TO_NEGATIVE).count(), signals::toString);
    assertTrue(signals.stream().noneMatch(signal -> signal.label() == 0
        && signal.kind() != ImbalanceSignal.Kind.PREVALENCE_SHIFT), signals::toString);
  }

  @Test
  void shouldRestoreBitExactlyAndRaiseTheSameSignals() throws IOException {
    ImbalanceMonitor original = new ImbalanceMonitor(List.of("shifting", "collapsing"), DetectorSettings.defaults());
    feed(original, new Random(32), 0, 9_000 / ROWS);
    ImbalanceMonitor restored = ImbalanceMonitor.fromSaved(StateRoundTrip.roundTrip(original.toSaved()),
        original.labelNames());
    assertEquals(original.toSaved(), restored.toSaved());
    assertEquals(original.settings(), restored.settings());
    assertEquals(original.labelNames(), restored.labelNames());

    List<ImbalanceSignal> expected = feed(original, new Random(33), 9_000 / ROWS, 20_000 / ROWS);
    List<ImbalanceSignal> actual = feed(restored, new Random(33), 9_000 / ROWS, 20_000 / ROWS);
    assertEquals(expected, actual);
    assertTrue(!expected.isEmpty());
  }
}
