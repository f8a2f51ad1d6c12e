package dev.ballast.evaluation;

import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedThresholds;
import java.util.Arrays;

/**
 * Per-label decision thresholds, re-chosen after every mini-batch to maximise a {@link ThresholdMetric} on
 * decayed histograms of each label's own past prequential scores.
 *
 * <p>Per mini-batch the caller decides with {@link #thresholds()}, scores the decisions, and only then
 * hands the batch to {@link #observe}. A threshold therefore never depends on the score of an event it
 * decides.
 *
 * <p>The candidate thresholds are the lower edges of the histogram bins above bin 0: threshold 0 would
 * predict every event positive. The tuner picks the lower edge of the lowest bin still predicted positive
 * at the best metric value; among equal values it keeps the higher threshold. A label keeps the default
 * threshold until it has seen {@code minPositives} (decayed) positives, and whenever no candidate finds a
 * true positive. A tuned threshold is then pulled toward the default with the weight of {@code priorPositives}
 * positives against the label's {@code n} decayed ones, {@code (n * tuned + priorPositives * default) / (n +
 * priorPositives)}: a threshold tuned on a handful of positives is mostly noise, and the pull fades as they grow.
 * For {@link ThresholdMetric#PRECISION_AT_RECALL}, when no candidate reaches the recall floor, the candidate with the
 * highest recall is taken.
 *
 * <p>Not thread-safe.
 */
public final class ThresholdTuner {

  private final ThresholdSettings settings;
  private final ScoreHistograms histograms;
  private final float[] thresholds;

  /**
   * @param labelCount number of labels, positive
   */
  public ThresholdTuner(int labelCount, ThresholdSettings settings) {
    this(settings, new ScoreHistograms(labelCount, settings.bins(), settings.halfLifeEvents()));
  }

  private ThresholdTuner(ThresholdSettings settings, ScoreHistograms histograms) {
    this.settings = settings;
    this.histograms = histograms;
    this.thresholds = new float[histograms.labelCount()];
    Arrays.fill(thresholds, settings.defaultThreshold());
  }

  /**
   * The thresholds in force, one per label: a probability at or above a label's threshold is a positive
   * prediction. Returns a copy, so a batch's thresholds stay as they were when it was decided.
   */
  public float[] thresholds() {
    return thresholds.clone();
  }

  public ThresholdSettings settings() {
    return settings;
  }

  /**
   * Records the scores of events that have just been decided, then re-tunes every label's threshold.
   * Does nothing under {@link ThresholdPolicy#FIXED}.
   *
   * @param probabilities row-major {@code [row * labelCount + label]}, each in [0, 1]
   * @param targets row-major like {@code probabilities}: 1 positive, 0 negative (0.5 or more is positive)
   * @param rows number of rows to read from the arrays
   */
  public void observe(float[] probabilities, float[] targets, int rows) {
    if (settings.policy() == ThresholdPolicy.FIXED) {
      return;
    }
    int labelCount = thresholds.length;
    for (int row = 0; row < rows; row++) {
      for (int label = 0; label < labelCount; label++) {
        int index = row * labelCount + label;
        histograms.add(label, probabilities[index], targets[index] >= 0.5f);
      }
    }
    retune();
  }

  /** Re-chooses every label's threshold from its histograms as they stand. */
  private void retune() {
    for (int label = 0; label < thresholds.length; label++) {
      double positives = histograms.positives(label);
      if (positives < settings.minPositives()) {
        thresholds[label] = settings.defaultThreshold();
      } else {
        double prior = settings.priorPositives();
        float tuned = tune(label);
        // prior == 0 is no pull (and, with minPositives 0 and no positives yet, no 0 / 0).
        thresholds[label] = prior == 0 ? tuned
            : (float) ((positives * tuned + prior * settings.defaultThreshold()) / (positives + prior));
      }
    }
  }

  /**
   * This tuner under other settings with the same bins: the score histograms are kept (under a new half-life as
   * {@link ScoreHistograms#withHalfLife} keeps them), and every threshold is chosen afresh from them by the new
   * settings' rule, so a restart under a new metric, floor or half-life does not wait for new scores.
   *
   * @throws IllegalArgumentException when the bins differ: scores cannot be re-binned
   */
  public ThresholdTuner withSettings(ThresholdSettings newSettings) {
    if (newSettings.bins() != histograms.bins()) {
      throw new IllegalArgumentException("the histograms have " + histograms.bins() + " bins, the settings "
          + newSettings.bins());
    }
    ThresholdTuner tuner = new ThresholdTuner(newSettings, histograms.withHalfLife(newSettings.halfLifeEvents()));
    if (newSettings.policy() != ThresholdPolicy.FIXED) {
      tuner.retune();
    }
    return tuner;
  }

  /**
   * Keeps at most {@code memoryEvents} events' weight of the label's past scores, after a detected change in the
   * label's prevalence: its threshold then follows the scores that come next (see {@link ScoreHistograms#forget}).
   */
  public void forget(int label, double memoryEvents) {
    histograms.forget(label, memoryEvents);
  }

  private float tune(int label) {
    int bins = histograms.bins();
    double positives = 0;
    for (int bin = 0; bin < bins; bin++) {
      positives += histograms.scaledPositives(label, bin);
    }
    double truePositives = 0;
    double falsePositives = 0;
    double bestScore = 0;
    int bestBin = -1;
    int highestRecallBin = -1;
    for (int bin = bins - 1; bin >= 1; bin--) {
      double binPositives = histograms.scaledPositives(label, bin);
      double binNegatives = histograms.scaledNegatives(label, bin);
      if (binPositives + binNegatives == 0) {
        continue;
      }
      truePositives += binPositives;
      falsePositives += binNegatives;
      if (truePositives > 0) {
        highestRecallBin = bin;
      }
      double score = score(truePositives, falsePositives, positives - truePositives);
      if (score > bestScore) {
        bestScore = score;
        bestBin = bin;
      }
    }
    if (bestBin < 0 && settings.metric() == ThresholdMetric.PRECISION_AT_RECALL) {
      bestBin = highestRecallBin;
    }
    return bestBin < 0 ? settings.defaultThreshold() : (float) ((double) bestBin / bins);
  }

  /** The metric to maximise; 0 for a candidate that does not qualify. */
  private double score(double truePositives, double falsePositives, double falseNegatives) {
    return switch (settings.metric()) {
      case F1 -> ConfusionRatios.fBeta(truePositives, falsePositives, falseNegatives, 1);
      case F_BETA -> ConfusionRatios.fBeta(truePositives, falsePositives, falseNegatives, settings.beta());
      case PRECISION_AT_RECALL -> ConfusionRatios.recall(truePositives, falseNegatives) >= settings.recallFloor()
          ? ConfusionRatios.precision(truePositives, falsePositives)
          : 0;
    };
  }

  /** The complete state as a saved-state record, settings included; {@link #fromSaved} restores it bit-exactly. */
  public SavedThresholds toSaved() {
    return new SavedThresholds(settings.policy().configName(), settings.metric().configName(), settings.beta(),
        settings.recallFloor(), settings.minPositives(), settings.defaultThreshold(), histograms.toSaved(),
        SavedArrays.floats(thresholds), settings.priorPositives());
  }

  /** The tuner of {@link #toSaved}'s record. */
  public static ThresholdTuner fromSaved(SavedThresholds saved) {
    ScoreHistograms histograms = ScoreHistograms.fromSaved(saved.getHistograms());
    ThresholdTuner tuner = new ThresholdTuner(new ThresholdSettings(ThresholdPolicy.fromConfigName(saved.getPolicy()),
        ThresholdMetric.fromConfigName(saved.getMetric()), saved.getBeta(), saved.getRecallFloor(),
        histograms.bins(), histograms.halfLifeEvents(), saved.getMinPositives(), saved.getPriorPositives(),
        saved.getDefaultThreshold()),
        histograms);
    SavedArrays.copy(saved.getThresholds(), tuner.thresholds, "thresholds");
    return tuner;
  }
}
