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
  private final int bins;
  /**
   * Per label, the bin {@link #bestBin} chose from the histograms as they stand, or {@link #STALE} when an event since
   * may have moved it: a cache, rebuilt from the histograms after a restore, so it is not saved.
   */
  private final int[] bestBins;
  private static final int STALE = Integer.MIN_VALUE;
  private final boolean negativesBelowKeepChoice;

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
    this.bins = histograms.bins();
    this.negativesBelowKeepChoice = settings.metric() != ThresholdMetric.PRECISION_AT_RECALL;
    this.bestBins = new int[histograms.labelCount()];
    Arrays.fill(bestBins, STALE);
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
        int bin = histograms.bin(probabilities[index]);
        boolean positive = targets[index] >= 0.5f;
        boolean rescaled = histograms.addToBin(label, bin, positive);
        // For F1 and F-beta, a negative below the chosen bin lowers the metric only at candidates below it: the
        // choice stands. Uniform decay changes no ratio, so neither does the time that passes. (Precision at a recall
        // floor falls back to the lowest bin holding a true positive, which a negative below can move.)
        int best = bestBins[label];
        if (best != STALE && (positive || rescaled || !negativesBelowKeepChoice
            || (best >= 0 && bin >= best))) {
          bestBins[label] = STALE;
        }
      }
    }
    retune();
  }

  /**
   * Re-chooses every label's threshold from its histograms as they stand: the pull and the evidence floor on every
   * label, the search over the bins only where an event since the last search could have moved its result.
   */
  private void retune() {
    for (int label = 0; label < thresholds.length; label++) {
      double positives = histograms.positives(label);
      if (positives < settings.minPositives()) {
        thresholds[label] = settings.defaultThreshold();
      } else {
        double prior = settings.priorPositives();
        if (bestBins[label] == STALE) {
          bestBins[label] = bestBin(label);
        }
        float tuned = bestBins[label] < 0 ? settings.defaultThreshold() : (float) ((double) bestBins[label] / bins);
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

  /** The bin whose lower edge maximises the metric, -1 when none finds a true positive (see the class doc). */
  private int bestBin(int label) {
    return settings.metric() == ThresholdMetric.PRECISION_AT_RECALL ? bestBinForPrecision(label) : bestBinForF(label);
  }

  /**
   * F-beta, {@code (1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP)}, is {@code (1 + b^2) TP / (TP + FP + b^2 P)} for the
   * label's positives {@code P}: the bin maximising {@code TP / (TP + FP + b^2 P)}, compared by cross-multiplying (no
   * division per bin). The highest bin wins a tie, as a scan from the top that takes only a larger value.
   */
  private int bestBinForF(int label) {
    double beta = settings.metric() == ThresholdMetric.F1 ? 1 : settings.beta();
    double weightedPositives = beta * beta * histograms.scaledPositiveTotal(label);
    double truePositives = 0;
    double falsePositives = 0;
    double bestTruePositives = 0;
    double bestDenominator = 1;
    int bestBin = -1;
    // Bins outside the label's occupied range are empty.
    for (int bin = histograms.highestBin(label), lowest = Math.max(1, histograms.lowestBin(label)); bin >= lowest;
        bin--) {
      double binPositives = histograms.scaledPositives(label, bin);
      double binNegatives = histograms.scaledNegatives(label, bin);
      if (binPositives + binNegatives == 0) {
        continue;
      }
      truePositives += binPositives;
      falsePositives += binNegatives;
      double denominator = truePositives + falsePositives + weightedPositives;
      if (truePositives * bestDenominator > bestTruePositives * denominator) {
        bestTruePositives = truePositives;
        bestDenominator = denominator;
        bestBin = bin;
      }
    }
    return bestBin;
  }

  /** The bin of the highest precision at the recall floor; with none reaching it, the bin of the highest recall. */
  private int bestBinForPrecision(int label) {
    double positives = histograms.scaledPositiveTotal(label);
    double truePositives = 0;
    double falsePositives = 0;
    double bestScore = 0;
    int bestBin = -1;
    int highestRecallBin = -1;
    // Bins outside the label's occupied range are empty.
    for (int bin = histograms.highestBin(label), lowest = Math.max(1, histograms.lowestBin(label)); bin >= lowest;
        bin--) {
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
      double score = ConfusionRatios.recall(truePositives, positives - truePositives) >= settings.recallFloor()
          ? ConfusionRatios.precision(truePositives, falsePositives)
          : 0;
      if (score > bestScore) {
        bestScore = score;
        bestBin = bin;
      }
    }
    return bestBin < 0 ? highestRecallBin : bestBin;
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
