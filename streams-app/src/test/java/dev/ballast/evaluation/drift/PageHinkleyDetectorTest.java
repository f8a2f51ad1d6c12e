package dev.ballast.evaluation.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.StateRoundTrip;
import java.io.IOException;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PageHinkleyDetectorTest {

  private static PageHinkleyDetector defaultDetector() {
    return DetectorSettings.defaults().newPrevalenceDetector();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.003, 0.01, 0.05, 0.3, 0.5, 0.9})
  void shouldNotAlarmOnStationaryStream(double prevalence) {
    PageHinkleyDetector detector = defaultDetector();
    Random random = new Random(11);
    for (int event = 0; event < 20_000; event++) {
      Optional<Change> change = detector.update(random.nextDouble() < prevalence ? 1 : 0);
      assertTrue(change.isEmpty(), () -> "false alarm " + change);
    }
  }

  @Test
  void shouldDetectRiseWithinDelayAndEstimateBeforeAndAfter() {
    PageHinkleyDetector detector = defaultDetector();
    Random random = new Random(12);
    feedStationary(detector, random, 0.05, 5_000);
    Change change = firstChange(detector, random, 0.15, 1_000);
    assertEquals(0.05, change.before(), 0.015);
    assertEquals(0.15, change.after(), 0.05);
    assertEquals(0, detector.events());
  }

  @Test
  void shouldDetectFallWithinDelay() {
    PageHinkleyDetector detector = defaultDetector();
    Random random = new Random(13);
    feedStationary(detector, random, 0.2, 5_000);
    Change change = firstChange(detector, random, 0.05, 1_000);
    assertEquals(0.2, change.before(), 0.03);
    assertTrue(change.after() < 0.1, () -> "after " + change.after());
  }

  @Test
  void shouldRestoreBitExactlyAndFireAtTheSameEvent() throws IOException {
    PageHinkleyDetector original = defaultDetector();
    Random random = new Random(14);
    feedStationary(original, random, 0.1, 3_000);
    PageHinkleyDetector restored = defaultDetector();
    restored.restore(StateRoundTrip.roundTrip(original.toSaved()));
    assertEquals(original.toSaved(), restored.toSaved());
    for (int event = 0; event < 5_000; event++) {
      int value = random.nextDouble() < 0.4 ? 1 : 0;
      assertEquals(original.update(value), restored.update(value));
    }
  }

  private static void feedStationary(PageHinkleyDetector detector, Random random, double prevalence, int events) {
    for (int event = 0; event < events; event++) {
      assertTrue(detector.update(random.nextDouble() < prevalence ? 1 : 0).isEmpty(), "false alarm");
    }
  }

  private static Change firstChange(PageHinkleyDetector detector, Random random, double prevalence, int maxDelay) {
    for (int event = 0; event < maxDelay; event++) {
      Optional<Change> change = detector.update(random.nextDouble() < prevalence ? 1 : 0);
      if (change.isPresent()) {
        return change.get();
      }
    }
    throw new AssertionError("no alarm within " + maxDelay + " events");
  }
}
