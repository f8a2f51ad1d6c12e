package dev.ballast.evaluation.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.StateRoundTrip;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CollapseDetectorTest {

  @Test
  void shouldFireOnceWhenPositivesGoUnpredictedForAWindow() {
    CollapseDetector detector = new CollapseDetector(100);
    List<Integer> firedAt = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    for (int event = 0; event < 1_000; event++) {
      Optional<Change> change = detector.update(event % 10 == 0, event == 0);
      if (change.isPresent()) {
        firedAt.add(event);
        changes.add(change.get());
      }
    }
    assertEquals(List.of(100), firedAt);
    // positives at 10, 20, ..., 100 were all missed
    assertEquals(List.of(new Change(10, 0)), changes);
  }

  @Test
  void shouldRearmWhenTheLabelIsPredictedPositiveAgain() {
    CollapseDetector detector = new CollapseDetector(50);
    List<Integer> firedAt = new ArrayList<>();
    for (int event = 0; event < 400; event++) {
      if (detector.update(event % 7 == 0, event == 200).isPresent()) {
        firedAt.add(event);
      }
    }
    assertEquals(List.of(49, 250), firedAt);
  }

  @Test
  void shouldStayQuietWhenTheLabelHasNoPositivesInTheWindow() {
    CollapseDetector detector = new CollapseDetector(100);
    for (int event = 0; event < 1_000; event++) {
      assertTrue(detector.update(event == 0, event == 0).isEmpty(), "fired at " + event);
    }
  }

  @Test
  void shouldCountAPositiveAtTheWindowsFirstEventAsInTheWindow() {
    CollapseDetector detector = new CollapseDetector(100);
    for (int event = 0; event < 99; event++) {
      assertTrue(detector.update(event == 0, false).isEmpty(), "fired at " + event);
    }
    assertEquals(Optional.of(new Change(1, 0)), detector.update(false, false));
  }

  @Test
  void shouldStayQuietWhileTheLabelIsSometimesPredictedPositive() {
    CollapseDetector detector = new CollapseDetector(100);
    for (int event = 0; event < 1_000; event++) {
      assertTrue(detector.update(event % 10 == 0, event % 60 == 0).isEmpty(), "fired at " + event);
    }
  }

  @Test
  void shouldRestoreBitExactly() throws IOException {
    CollapseDetector original = new CollapseDetector(30);
    for (int event = 0; event < 20; event++) {
      original.update(event % 3 == 0, event == 0);
    }
    CollapseDetector restored = new CollapseDetector(30);
    restored.restore(StateRoundTrip.roundTrip(original.toSaved()));
    assertEquals(original.toSaved(), restored.toSaved());
    for (int event = 20; event < 100; event++) {
      assertEquals(original.update(event % 3 == 0, false), restored.update(event % 3 == 0, false));
    }
  }
}
