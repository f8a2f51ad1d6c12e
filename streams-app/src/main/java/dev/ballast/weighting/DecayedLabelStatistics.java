package dev.ballast.weighting;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
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

  private static final byte FORMAT_VERSION = 1;

  private final double halfLifeEvents;
  private final double decayFactor;
  private final double[] decayedPositives;
  private double decayedTotal;
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
    }
    decayedTotal = decayedTotal * decayFactor + 1.0;
    eventsObserved++;
  }

  /** Decayed count of events in which {@code label} was positive. */
  public double positives(int label) {
    return decayedPositives[label];
  }

  /**
   * Decayed count of all events. Every event carries every label (absent means negative), so the total
   * is the same for each label; the parameter keeps the per-label reading explicit.
   */
  public double total(int label) {
    return decayedTotal;
  }

  /** Decayed positives over decayed total; 0 before the first event. */
  public double prevalence(int label) {
    return decayedTotal == 0 ? 0 : decayedPositives[label] / decayedTotal;
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

  /** Writes the complete state; {@link #readFrom} restores it bit-exactly. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    out.writeInt(decayedPositives.length);
    out.writeDouble(halfLifeEvents);
    out.writeLong(eventsObserved);
    out.writeDouble(decayedTotal);
    for (double positives : decayedPositives) {
      out.writeDouble(positives);
    }
  }

  /**
   * Reads the counts written by {@link #writeTo}; from now on they decay with {@code halfLifeEvents}, the
   * half-life configured now.
   */
  public static DecayedLabelStatistics readFrom(DataInput in, double halfLifeEvents) throws IOException {
    byte version = in.readByte();
    if (version != FORMAT_VERSION) {
      throw new IOException("unsupported DecayedLabelStatistics format version " + version);
    }
    int labelCount = in.readInt();
    in.readDouble();
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(labelCount, halfLifeEvents);
    statistics.eventsObserved = in.readLong();
    statistics.decayedTotal = in.readDouble();
    for (int label = 0; label < statistics.decayedPositives.length; label++) {
      statistics.decayedPositives[label] = in.readDouble();
    }
    return statistics;
  }

  @Override
  public String toString() {
    return "DecayedLabelStatistics{halfLifeEvents=" + halfLifeEvents + ", events=" + eventsObserved
        + ", total=" + decayedTotal + ", positives=" + Arrays.toString(decayedPositives) + '}';
  }
}
