package dev.ballast.evaluation.drift;

import dev.ballast.schema.state.SavedCollapse;
import java.util.Optional;

/**
 * Detects the "always negative" collapse of one label: the label had a positive within the last
 * {@code windowEvents} events, yet the model predicted it positive in none of them. It fires once per
 * episode and re-arms when the model predicts the label positive again. The reported change is the
 * number of positives missed since the last positive prediction (before) and the positive predictions
 * in the window, 0 (after).
 */
public final class CollapseDetector {

  private final long windowEvents;
  private long eventsWithoutPositivePrediction;
  private long eventsSinceLastPositive;
  private long positivesSincePositivePrediction;
  private boolean armed = true;

  /**
   * @param windowEvents the window in events, at least 1
   */
  public CollapseDetector(long windowEvents) {
    if (windowEvents < 1) {
      throw new IllegalArgumentException("windowEvents must be at least 1, got " + windowEvents);
    }
    this.windowEvents = windowEvents;
    this.eventsSinceLastPositive = windowEvents;
  }

  /**
   * Observes one prequential decision.
   *
   * @param positive whether the label was positive in the event
   * @param predictedPositive whether the model predicted it positive
   * @return the change when the detector fires, otherwise empty
   */
  public Optional<Change> update(boolean positive, boolean predictedPositive) {
    if (predictedPositive) {
      eventsWithoutPositivePrediction = 0;
      positivesSincePositivePrediction = 0;
      armed = true;
    } else {
      eventsWithoutPositivePrediction = Math.min(eventsWithoutPositivePrediction + 1, windowEvents);
      if (positive) {
        positivesSincePositivePrediction++;
      }
    }
    eventsSinceLastPositive = positive ? 0 : Math.min(eventsSinceLastPositive + 1, windowEvents);
    if (armed && eventsWithoutPositivePrediction >= windowEvents && eventsSinceLastPositive < windowEvents) {
      armed = false;
      return Optional.of(new Change(positivesSincePositivePrediction, 0));
    }
    return Optional.empty();
  }

  /** Whether the detector fired and the model has not predicted the label positive since. */
  public boolean collapsed() {
    return !armed;
  }

  /** The state (not the settings) as a saved-state record; {@link #restore} restores it bit-exactly. */
  SavedCollapse toSaved() {
    return new SavedCollapse(eventsWithoutPositivePrediction, eventsSinceLastPositive, positivesSincePositivePrediction,
        armed);
  }

  /** Takes the state of {@link #toSaved}'s record. */
  void restore(SavedCollapse saved) {
    eventsWithoutPositivePrediction = saved.getEventsWithoutPositivePrediction();
    eventsSinceLastPositive = saved.getEventsSinceLastPositive();
    positivesSincePositivePrediction = saved.getPositivesSincePositivePrediction();
    armed = saved.getArmed();
  }
}
