package dev.ballast.evaluation.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.StateRoundTrip;
import java.io.IOException;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MinorityRecallDropDetectorTest {

  private static MinorityRecallDropDetector defaultDetector() {
    return DetectorSettings.defaults().newRecallDropDetector();
  }

  @Test
  void shouldNotAlarmOnStationaryRecall() {
    for (long seed = 0; seed < 5; seed++) {
      MinorityRecallDropDetector detector = defaultDetector();
      Random random = new Random(seed);
      for (int event = 0; event < 20_000; event++) {
        boolean positive = random.nextDouble() < 0.3;
        Optional<Change> change = detector.update(positive, random.nextDouble() < (positive ? 0.7 : 0.1));
        assertTrue(change.isEmpty(), () -> "false alarm " + change);
      }
      assertEquals(0.7, detector.recall(), 0.1);
    }
  }

  @Test
  void shouldDetectRecallDropWithinDelay() {
    MinorityRecallDropDetector detector = defaultDetector();
    Random random = new Random(21);
    for (int positive = 0; positive < 2_000; positive++) {
      assertTrue(detector.update(true, random.nextDouble() < 0.8).isEmpty(), "false alarm");
    }
    for (int positive = 0; positive < 200; positive++) {
      Optional<Change> change = detector.update(true, random.nextDouble() < 0.3);
      if (change.isPresent()) {
        assertEquals(0.8, change.get().before(), 0.05);
        assertTrue(change.get().after() < 0.6, () -> "after " + change.get().after());
        assertEquals(0, detector.recall());
        return;
      }
    }
    throw new AssertionError("no alarm within 200 positives");
  }

  @Test
  void shouldIgnoreNegativeEvents() {
    MinorityRecallDropDetector detector = defaultDetector();
    for (int event = 0; event < 10_000; event++) {
      assertTrue(detector.update(false, event % 2 == 0).isEmpty());
    }
    assertEquals(0, detector.recall());
  }

  @Test
  void shouldRestoreBitExactlyAndFireAtTheSameEvent() throws IOException {
    MinorityRecallDropDetector original = defaultDetector();
    Random random = new Random(22);
    for (int positive = 0; positive < 1_000; positive++) {
      original.update(true, random.nextDouble() < 0.9);
    }
    MinorityRecallDropDetector restored = defaultDetector();
    restored.restore(StateRoundTrip.roundTrip(original.toSaved()));
    assertEquals(original.toSaved(), restored.toSaved());
    boolean fired = false;
    for (int positive = 0; positive < 1_000; positive++) {
      boolean hit = random.nextDouble() < 0.2;
      Optional<Change> change = original.update(true, hit);
      assertEquals(change, restored.update(true, hit));
      fired |= change.isPresent();
    }
    assertTrue(fired);
  }
}
