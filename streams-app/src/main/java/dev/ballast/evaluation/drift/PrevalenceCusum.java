package dev.ballast.evaluation.drift;

import dev.ballast.schema.state.SavedCusumLabel;
import dev.ballast.schema.state.SavedPrevalenceCusum;
import java.util.ArrayList;
import java.util.List;

/**
 * Two-sided Bernoulli CUSUM (Page 1954) on each label's prevalence, against the prior the caller holds now: the
 * detector that cuts a label's memory when its prevalence shifts.
 *
 * <p>For a label with prior {@code p0} it tests, per direction, the hypothesis that the odds of a positive have been
 * multiplied ({@code p1 = r p0 / (1 - p0 + r p0)}) or divided ({@code r} replaced by {@code 1 / r}) by the odds ratio
 * {@code r}: each event adds its log-likelihood ratio, {@code log(p1 / p0)} for a positive and
 * {@code log((1 - p1) / (1 - p0))} for a negative, to a sum held at zero from below, and the detector fires when a
 * sum exceeds the threshold {@code h} nats. This is the optimal detector of a change of known size in a Bernoulli
 * rate (Lorden 1971; Basseville and Nikiforov 1993, section 2.2): when {@code p0} is the true rate it runs at least
 * {@code e^h} events between false alarms, and after a change it fires within about {@code h} over the mean
 * log-likelihood ratio per event under the new rate. At {@code r = 4} that mean is 0.031 for a fall from 5% to 0.5%
 * (about {@code h / 0.031} events) and 0.11 for a rise from 1% to 10%. Working in odds keeps {@code p1} inside
 * (0, 1) at every prior and treats the two classes alike.
 *
 * <p>Where the sum last left zero is the estimated change point: on firing, the new prevalence is the share of
 * positives among the events since then, and both directions restart. The rest of the mini-batch is left out (its
 * events are judged against the prior that follows the cut). A label whose prior rests on fewer than
 * {@code minEvents} events' weight is not tested: at the start its prior is a guess.
 *
 * <p>The prior comes from the caller's decayed counts, so the detector follows slow drift and fires only on a change
 * faster than those counts follow. Deterministic: the same events and priors give the same firings. Not thread-safe.
 */
public final class PrevalenceCusum {

  private final double oddsRatio;
  private final double thresholdNats;
  private final long minEvents;
  /** Per label, the sum testing a rise. */
  private final Direction[] upwards;
  /** Per label, the sum testing a fall. */
  private final Direction[] downwards;
  /** Per label, whether the current batch still tests it (see {@link #begin}). */
  private final boolean[] testing;
  /** Per label, the prior of the current batch and its four log-likelihood ratios (rise: positive, negative; fall). */
  private final double[] batchPriors;
  private final double[] terms;

  /**
   * @param labels labels watched, at least 1
   * @param oddsRatio the change in the odds of a positive the test is tuned to, above 1 and finite
   * @param thresholdNats the log-likelihood ratio that fires it, positive and finite
   * @param minEvents the weight, in events, a label's prior needs before events are tested against it, at least 1
   */
  public PrevalenceCusum(int labels, double oddsRatio, double thresholdNats, long minEvents) {
    if (labels < 1) {
      throw new IllegalArgumentException("labels must be at least 1, got " + labels);
    }
    if (!(oddsRatio > 1 && oddsRatio < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("oddsRatio must be above 1 and finite, got " + oddsRatio);
    }
    if (!(thresholdNats > 0 && thresholdNats < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("thresholdNats must be positive and finite, got " + thresholdNats);
    }
    if (minEvents < 1) {
      throw new IllegalArgumentException("minEvents must be at least 1, got " + minEvents);
    }
    this.oddsRatio = oddsRatio;
    this.thresholdNats = thresholdNats;
    this.minEvents = minEvents;
    this.testing = new boolean[labels];
    this.batchPriors = new double[labels];
    this.terms = new double[4 * labels];
    this.upwards = new Direction[labels];
    this.downwards = new Direction[labels];
    for (int label = 0; label < labels; label++) {
      upwards[label] = new Direction();
      downwards[label] = new Direction();
    }
  }

  /**
   * Observes a mini-batch: {@link #begin} with the priors before it, then {@link #observe} of all its rows.
   *
   * @param targets row-major {@code [row * labels + label]}: 1 positive, 0 negative (0.5 or more is positive)
   * @param rows number of rows to read
   * @param priors per label, its prevalence before this batch, strictly between 0 and 1
   * @param priorEvents per label, the weight in events of the counts behind its prior: a label whose prior rests on
   *     fewer than {@code minEvents} is not tested (its sums stay at zero)
   * @return per label that fired, a prevalence-shift signal (detector {@code "cusum"}) from its prior to the
   *     prevalence since the estimated change point; empty when none fired
   */
  public List<ImbalanceSignal> update(float[] targets, int rows, double[] priors, double[] priorEvents) {
    begin(priors, priorEvents);
    return observe(targets, rows);
  }

  /**
   * Starts a mini-batch whose rows {@link #observe} then takes in one or more parts, in order: every row of the batch
   * is tested against these priors, and a label that fires leaves the rest of the batch out.
   *
   * @param priors per label, its prevalence before this batch, strictly between 0 and 1
   * @param priorEvents per label, the weight in events of the counts behind its prior: a label whose prior rests on
   *     fewer than {@code minEvents} is not tested in this batch
   */
  public void begin(double[] priors, double[] priorEvents) {
    int labels = upwards.length;
    for (int label = 0; label < labels; label++) {
      testing[label] = priorEvents[label] >= minEvents;
      if (!testing[label]) {
        continue;
      }
      double prior = priors[label];
      double odds = prior / (1 - prior);
      double risen = oddsRatio * odds / (1 + oddsRatio * odds);
      double fallen = odds / oddsRatio / (1 + odds / oddsRatio);
      batchPriors[label] = prior;
      int at = label * 4;
      terms[at] = Math.log(risen / prior);
      terms[at + 1] = Math.log((1 - risen) / (1 - prior));
      terms[at + 2] = Math.log(fallen / prior);
      terms[at + 3] = Math.log((1 - fallen) / (1 - prior));
    }
  }

  /**
   * Observes the next rows of the mini-batch {@link #begin} started.
   *
   * @param targets row-major {@code [row * labels + label]}: 1 positive, 0 negative (0.5 or more is positive)
   * @param rows number of rows to read
   * @return per label that fired, a prevalence-shift signal (detector {@code "cusum"}) from its prior to the
   *     prevalence since the estimated change point; empty when none fired
   */
  public List<ImbalanceSignal> observe(float[] targets, int rows) {
    List<ImbalanceSignal> shifts = List.of();
    int labels = upwards.length;
    for (int label = 0; label < labels; label++) {
      if (!testing[label]) {
        continue;
      }
      int at = label * 4;
      double upwardPositive = terms[at];
      double upwardNegative = terms[at + 1];
      double downwardPositive = terms[at + 2];
      double downwardNegative = terms[at + 3];
      Direction upward = upwards[label];
      Direction downward = downwards[label];
      // Locals, not the fields, in the loop over the batch: the two sums are then independent chains in registers.
      double upwardSum = upward.sum;
      long upwardEvents = upward.events;
      long upwardPositives = upward.positives;
      double downwardSum = downward.sum;
      long downwardEvents = downward.events;
      long downwardPositives = downward.positives;
      double after = Double.NaN;
      for (int row = 0; row < rows; row++) {
        boolean positive = targets[row * labels + label] >= 0.5f;
        int hit = positive ? 1 : 0;
        upwardSum += positive ? upwardPositive : upwardNegative;
        downwardSum += positive ? downwardPositive : downwardNegative;
        if (upwardSum <= 0) {
          upwardSum = 0;
          upwardEvents = 0;
          upwardPositives = 0;
        } else {
          upwardEvents++;
          upwardPositives += hit;
        }
        if (downwardSum <= 0) {
          downwardSum = 0;
          downwardEvents = 0;
          downwardPositives = 0;
        } else {
          downwardEvents++;
          downwardPositives += hit;
        }
        if (upwardSum > thresholdNats || downwardSum > thresholdNats) {
          after = upwardSum > thresholdNats ? (double) upwardPositives / upwardEvents
              : (double) downwardPositives / downwardEvents;
          break;
        }
      }
      if (Double.isNaN(after)) {
        upward.restore(upwardSum, upwardEvents, upwardPositives);
        downward.restore(downwardSum, downwardEvents, downwardPositives);
        continue;
      }
      if (shifts.isEmpty()) {
        shifts = new ArrayList<>(1);
      }
      shifts.add(new ImbalanceSignal(label, ImbalanceSignal.Kind.PREVALENCE_SHIFT, "cusum", batchPriors[label], after));
      upward.restart();
      downward.restart();
      testing[label] = false;
    }
    return shifts;
  }

  /** Labels watched. */
  public int labels() {
    return upwards.length;
  }

  /** Whether {@code settings} would build a detector like this one (same parameters). */
  public boolean hasSettings(ShiftDetectorSettings settings) {
    return settings.detector() == ShiftDetectorSettings.Detector.CUSUM && settings.oddsRatio() == oddsRatio
        && settings.thresholdNats() == thresholdNats && settings.minEvents() == minEvents;
  }

  /** The complete state, parameters included, as a saved-state record; {@link #fromSaved} restores it bit-exactly. */
  public SavedPrevalenceCusum toSaved() {
    List<SavedCusumLabel> labels = new ArrayList<>(upwards.length);
    for (int label = 0; label < upwards.length; label++) {
      Direction upward = upwards[label];
      Direction downward = downwards[label];
      labels.add(new SavedCusumLabel(upward.sum, upward.events, upward.positives, downward.sum, downward.events,
          downward.positives));
    }
    return new SavedPrevalenceCusum(oddsRatio, thresholdNats, minEvents, labels);
  }

  /** The detector of {@link #toSaved}'s record. */
  public static PrevalenceCusum fromSaved(SavedPrevalenceCusum saved) {
    List<SavedCusumLabel> labels = saved.getLabels();
    PrevalenceCusum cusum = new PrevalenceCusum(labels.size(), saved.getOddsRatio(), saved.getThresholdNats(),
        saved.getMinEvents());
    for (int label = 0; label < labels.size(); label++) {
      SavedCusumLabel state = labels.get(label);
      cusum.upwards[label].restore(state.getUpwards(), state.getUpwardEvents(), state.getUpwardPositives());
      cusum.downwards[label].restore(state.getDownwards(), state.getDownwardEvents(), state.getDownwardPositives());
    }
    return cusum;
  }

  /** One direction's sum, held at zero from below, and the events and positives since it last left zero. */
  private static final class Direction {
    private double sum;
    private long events;
    private long positives;

    void restart() {
      sum = 0;
      events = 0;
      positives = 0;
    }

    void restore(double savedSum, long savedEvents, long savedPositives) {
      sum = savedSum;
      events = savedEvents;
      positives = savedPositives;
    }
  }
}
