package dev.ballast.evaluation.drift;

import dev.ballast.schema.state.SavedPageHinkley;
import dev.ballast.schema.state.SavedPageHinkleyDirection;
import java.util.Optional;

/**
 * Two-sided Page-Hinkley test on a label's prevalence: the input is the label's 0/1 target per event.
 *
 * <p>Per direction it accumulates {@code x - mean - delta} (upwards) or {@code mean - x - delta}
 * (downwards), with {@code mean} the running mean since the last reset, and fires when a sum rises more
 * than {@code lambda} above its minimum. The minimum marks the estimated change point: the reported
 * change is the mean before it and the mean after it. Then the detector resets.
 *
 * <p>A fixed {@code delta} and {@code lambda} suit only one prevalence: what is noise at 50% is a shift at
 * 1%. Both therefore scale with the current mean {@code p}: {@code delta = relativeDelta * min(p, 1 - p)}
 * and {@code lambda = threshold * max(p, 1 - p)}. Their product over the Bernoulli variance
 * {@code p (1 - p)} is then {@code relativeDelta * threshold} at every prevalence, which fixes the false
 * alarm rate (roughly {@code exp(-2 relativeDelta threshold)} per excursion), while shifts smaller than
 * {@code relativeDelta} times the minority rate are ignored. Rare labels need proportionally more events.
 */
public final class PageHinkleyDetector {

  private final double relativeDelta;
  private final double threshold;
  private final long minEvents;
  private long events;
  private double sum;
  private final Direction upwards = new Direction();
  private final Direction downwards = new Direction();

  /**
   * @param relativeDelta tolerated shift relative to the minority rate, non-negative
   * @param threshold alarm threshold relative to the majority rate, positive
   * @param minEvents events after a reset before the detector may fire
   */
  public PageHinkleyDetector(double relativeDelta, double threshold, long minEvents) {
    if (!(relativeDelta >= 0 && relativeDelta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("relativeDelta must be non-negative and finite, got " + relativeDelta);
    }
    if (!(threshold > 0 && threshold < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("threshold must be positive and finite, got " + threshold);
    }
    if (minEvents < 1) {
      throw new IllegalArgumentException("minEvents must be at least 1, got " + minEvents);
    }
    this.relativeDelta = relativeDelta;
    this.threshold = threshold;
    this.minEvents = minEvents;
  }

  /**
   * Observes one event.
   *
   * @param value the label's target in this event, 0 or 1
   * @return the change when the detector fires (it has then reset), otherwise empty
   */
  public Optional<Change> update(double value) {
    events++;
    sum += value;
    double mean = sum / events;
    double delta = relativeDelta * Math.min(mean, 1 - mean);
    double lambda = threshold * Math.max(mean, 1 - mean);
    upwards.add(value - mean - delta, events, sum);
    downwards.add(mean - value - delta, events, sum);
    if (events < minEvents) {
      return Optional.empty();
    }
    Direction fired = upwards.excess() > lambda ? upwards : downwards.excess() > lambda ? downwards : null;
    if (fired == null) {
      return Optional.empty();
    }
    Change change = fired.change(events, sum, mean);
    reset();
    return Optional.of(change);
  }

  /** Events since the last reset. */
  public long events() {
    return events;
  }

  private void reset() {
    events = 0;
    sum = 0;
    upwards.reset();
    downwards.reset();
  }

  /** The state (not the settings) as a saved-state record; {@link #restore} restores it bit-exactly. */
  SavedPageHinkley toSaved() {
    return new SavedPageHinkley(events, sum, upwards.toSaved(), downwards.toSaved());
  }

  /** Takes the state of {@link #toSaved}'s record. */
  void restore(SavedPageHinkley saved) {
    events = saved.getEvents();
    sum = saved.getSum();
    upwards.restore(saved.getUpwards());
    downwards.restore(saved.getDownwards());
  }

  /** One direction's cumulative sum, its minimum, and where the minimum was reached. */
  private static final class Direction {
    private double cumulative;
    private double minimum;
    private long eventsAtMinimum;
    private double sumAtMinimum;

    void add(double increment, long events, double sum) {
      cumulative += increment;
      if (cumulative < minimum) {
        minimum = cumulative;
        eventsAtMinimum = events;
        sumAtMinimum = sum;
      }
    }

    double excess() {
      return cumulative - minimum;
    }

    Change change(long events, double sum, double mean) {
      double before = eventsAtMinimum == 0 ? mean : sumAtMinimum / eventsAtMinimum;
      return new Change(before, (sum - sumAtMinimum) / (events - eventsAtMinimum));
    }

    void reset() {
      cumulative = 0;
      minimum = 0;
      eventsAtMinimum = 0;
      sumAtMinimum = 0;
    }

    SavedPageHinkleyDirection toSaved() {
      return new SavedPageHinkleyDirection(cumulative, minimum, eventsAtMinimum, sumAtMinimum);
    }

    void restore(SavedPageHinkleyDirection saved) {
      cumulative = saved.getCumulative();
      minimum = saved.getMinimum();
      eventsAtMinimum = saved.getEventsAtMinimum();
      sumAtMinimum = saved.getSumAtMinimum();
    }
  }
}
