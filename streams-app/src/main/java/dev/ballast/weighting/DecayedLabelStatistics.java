package dev.ballast.weighting;

import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedLabelCounts;
import java.util.Arrays;

/**
 * Per label, the exponentially decayed count of positive events and of all events. Every event first
 * decays all counts by {@code 2^(-1/halfLifeEvents)} and then adds itself, so an event seen
 * {@code halfLifeEvents} events ago counts one half. An infinite half-life gives plain cumulative counts.
 * The counts are fractional, which the weight policies accept.
 *
 * <p>Not thread-safe: one instance belongs to one model's processor.
 */
public final class DecayedLabelStatistics {

  private final double halfLifeEvents;
  private final double decayFactor;
  private final double[] decayedPositives;
  private final double[] decayedTotals;
  private long eventsObserved;

  /**
   * @param labelCount number of labels, positive
   * @param halfLifeEvents half-life in events, positive; {@link Double#POSITIVE_INFINITY} for no decay
   */
  public DecayedLabelStatistics(int labelCount, double halfLifeEvents) {
    if (labelCount <= 0) {
      throw new IllegalArgumentException("label count must be positive, got " + labelCount);
    }
    this.halfLifeEvents = halfLifeEvents;
    this.decayFactor = HalfLife.decayFactor(halfLifeEvents);
    this.decayedPositives = new double[labelCount];
    this.decayedTotals = new double[labelCount];
  }

  /**
   * Observes one event.
   *
   * @param targets row-major targets; {@code targets[offset + l]} is label {@code l}'s target, 1 for
   *     positive and 0 for negative (a value of 0.5 or more counts as positive)
   * @param offset index of this event's first label in {@code targets}
   */
  public void observe(float[] targets, int offset) {
    for (int label = 0; label < decayedPositives.length; label++) {
      decayedPositives[label] = decayedPositives[label] * decayFactor + (targets[offset + label] >= 0.5f ? 1.0 : 0.0);
      decayedTotals[label] = decayedTotals[label] * decayFactor + 1.0;
    }
    eventsObserved++;
  }

  /** Decayed count of events in which {@code label} was positive. */
  public double positives(int label) {
    return decayedPositives[label];
  }

  /**
   * Decayed count of all events since the label was declared. Every event carries every label (absent means
   * negative), so the total is the same for every label but one added to a running model, which counts from then.
   */
  public double total(int label) {
    return decayedTotals[label];
  }

  /**
   * Forgets most of one label's history, after a detected change in its prevalence: its counts become those of
   * {@code memoryEvents} events (or of its current total, when that is less) at {@code prevalence}. Each later event
   * then moves the label's prevalence as much as if only that many events had been seen before it, and the memory
   * grows back to the half-life's as the counts refill: an effective half-life that drops and recovers, with no state
   * of its own.
   *
   * @param prevalence the label's prevalence since the change, in [0, 1]
   * @param memoryEvents the weight, in events, the label's history keeps; positive
   */
  public void rebase(int label, double prevalence, double memoryEvents) {
    if (!(prevalence >= 0 && prevalence <= 1)) {
      throw new IllegalArgumentException("prevalence must be in [0, 1], got " + prevalence);
    }
    if (!(memoryEvents > 0)) {
      throw new IllegalArgumentException("memoryEvents must be positive, got " + memoryEvents);
    }
    decayedTotals[label] = Math.min(decayedTotals[label], memoryEvents);
    decayedPositives[label] = prevalence * decayedTotals[label];
  }

  /** Decayed positives over decayed total; 0 before the label's first event. */
  public double prevalence(int label) {
    return decayedTotals[label] == 0 ? 0 : decayedPositives[label] / decayedTotals[label];
  }

  /**
   * These counts for another label list: label {@code l} of the copy has the counts of label {@code source[l]}
   * here, or none (counting from now) where {@code source[l]} is -1.
   */
  public DecayedLabelStatistics withLabels(int[] source) {
    DecayedLabelStatistics copy = new DecayedLabelStatistics(source.length, halfLifeEvents);
    copy.eventsObserved = eventsObserved;
    for (int label = 0; label < source.length; label++) {
      if (source[label] >= 0) {
        copy.decayedPositives[label] = decayedPositives[source[label]];
        copy.decayedTotals[label] = decayedTotals[source[label]];
      }
    }
    return copy;
  }

  /** Number of events observed, undecayed. */
  public long eventsObserved() {
    return eventsObserved;
  }

  public int labelCount() {
    return decayedPositives.length;
  }

  public double halfLifeEvents() {
    return halfLifeEvents;
  }

  /** The counts as a saved-state record (the half-life is configuration, not saved). */
  public SavedLabelCounts toSaved() {
    return new SavedLabelCounts(eventsObserved, SavedArrays.doubles(decayedPositives),
        SavedArrays.doubles(decayedTotals));
  }

  /** The counts of {@link #toSaved}'s record; from now on they decay with {@code halfLifeEvents}. */
  public static DecayedLabelStatistics fromSaved(SavedLabelCounts saved, double halfLifeEvents) {
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(saved.getPositives().size(), halfLifeEvents);
    statistics.eventsObserved = saved.getEventsObserved();
    SavedArrays.copy(saved.getPositives(), statistics.decayedPositives, "positives");
    SavedArrays.copy(saved.getTotals(), statistics.decayedTotals, "totals");
    return statistics;
  }

  @Override
  public String toString() {
    return "DecayedLabelStatistics{halfLifeEvents=" + halfLifeEvents + ", events=" + eventsObserved
        + ", totals=" + Arrays.toString(decayedTotals) + ", positives=" + Arrays.toString(decayedPositives) + '}';
  }
}
