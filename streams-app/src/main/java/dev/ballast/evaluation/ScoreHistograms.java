package dev.ballast.evaluation;

import dev.ballast.weighting.HalfLife;
import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedScoreHistograms;
import java.util.Arrays;

/**
 * Per label, exponentially decayed histograms of predicted probabilities, one for events where the label
 * was positive and one where it was negative. Bins split {@code [0, 1]} evenly; bin {@code b} holds
 * probabilities in {@code [b / bins, (b + 1) / bins)}, the last bin also holds 1. Each {@link #add} decays
 * that label's histograms by {@code 2^(-1/halfLifeEvents)} first, so a label's scores age by the label's
 * own event count. With an infinite half-life the histograms are plain counts.
 *
 * <p>The histograms are the basis of the streaming PR-AUC estimate and of threshold tuning.
 */
public final class ScoreHistograms {

  /** Past this growth the stored masses are scaled back to true values, long before doubles overflow. */
  private static final double RESCALE_LIMIT = 1e100;

  private final int labelCount;
  private final int bins;
  private final double halfLifeEvents;
  private final double decayFactor;
  /*
   * Decay is applied lazily: masses are stored multiplied by the label's growth, and each new event is
   * added with weight growth /= decayFactor. The true mass is stored / growth. This makes add O(1)
   * instead of O(bins); ratios such as precision need no division at all.
   */
  private final double[] growth;
  private final double[] positiveMass;
  private final double[] negativeMass;
  private final double[] positiveTotal;
  private final double[] negativeTotal;
  /**
   * Per label, the highest and the lowest bin holding any mass (-1 and {@code bins} while none does): masses decay but
   * never empty, so a search over the bins can stop at them. Derived from the masses, not saved.
   */
  private final int[] highestBin;
  private final int[] lowestBin;

  /**
   * @param labelCount number of labels, positive
   * @param bins number of bins over [0, 1], at least 2
   * @param halfLifeEvents half-life in events of the label, positive; infinite for cumulative histograms
   */
  public ScoreHistograms(int labelCount, int bins, double halfLifeEvents) {
    if (labelCount <= 0) {
      throw new IllegalArgumentException("label count must be positive, got " + labelCount);
    }
    if (bins < 2) {
      throw new IllegalArgumentException("bins must be at least 2, got " + bins);
    }
    this.labelCount = labelCount;
    this.bins = bins;
    this.halfLifeEvents = halfLifeEvents;
    this.decayFactor = HalfLife.decayFactor(halfLifeEvents);
    this.growth = new double[labelCount];
    Arrays.fill(growth, 1.0);
    this.positiveMass = new double[labelCount * bins];
    this.negativeMass = new double[labelCount * bins];
    this.positiveTotal = new double[labelCount];
    this.negativeTotal = new double[labelCount];
    this.highestBin = new int[labelCount];
    this.lowestBin = new int[labelCount];
    Arrays.fill(highestBin, -1);
    Arrays.fill(lowestBin, bins);
  }

  /**
   * Records one event's score for one label.
   *
   * @param probability predicted probability, in [0, 1]
   * @param positive whether the label was positive in the event
   * @return whether the label's stored masses were scaled back to true values (see {@link #RESCALE_LIMIT}): their
   *     ratios are then rounded anew
   * @throws IllegalArgumentException when the probability is outside [0, 1] or NaN
   */
  public boolean add(int label, float probability, boolean positive) {
    return addToBin(label, bin(probability), positive);
  }

  /** As {@link #add}, for a caller that has the probability's {@link #bin} already. */
  boolean addToBin(int label, int bin, boolean positive) {
    highestBin[label] = Math.max(highestBin[label], bin);
    lowestBin[label] = Math.min(lowestBin[label], bin);
    double weight = growth[label] / decayFactor;
    growth[label] = weight;
    if (positive) {
      positiveMass[label * bins + bin] += weight;
      positiveTotal[label] += weight;
    } else {
      negativeMass[label * bins + bin] += weight;
      negativeTotal[label] += weight;
    }
    if (weight > RESCALE_LIMIT) {
      rescale(label);
      return true;
    }
    return false;
  }

  /**
   * Scales one label's histograms down so that they weigh at most {@code memoryEvents} events, keeping their shape:
   * after a detected change, the label's next events outweigh its history until the histograms refill.
   *
   * @param memoryEvents the weight, in events, the label's histograms keep at most; positive
   */
  public void forget(int label, double memoryEvents) {
    if (!(memoryEvents > 0)) {
      throw new IllegalArgumentException("memoryEvents must be positive, got " + memoryEvents);
    }
    double events = positives(label) + negatives(label);
    if (events > memoryEvents) {
      // The true mass is the stored mass over the growth: a larger growth scales every bin of the label at once.
      growth[label] *= events / memoryEvents;
    }
  }

  /**
   * The same scores under another half-life: every label's masses as they stand, decaying at the new rate from
   * here on, and scaled down (their shape kept, as {@link #forget} does) to the weight the new half-life keeps of
   * an endless stream when they weigh more. A restart under a new half-life keeps the scores behind the thresholds
   * this way.
   *
   * @param halfLifeEvents the new half-life in events, positive; infinite for plain counts
   */
  public ScoreHistograms withHalfLife(double halfLifeEvents) {
    ScoreHistograms copy = new ScoreHistograms(labelCount, bins, halfLifeEvents);
    System.arraycopy(growth, 0, copy.growth, 0, labelCount);
    System.arraycopy(positiveTotal, 0, copy.positiveTotal, 0, labelCount);
    System.arraycopy(negativeTotal, 0, copy.negativeTotal, 0, labelCount);
    System.arraycopy(positiveMass, 0, copy.positiveMass, 0, positiveMass.length);
    System.arraycopy(negativeMass, 0, copy.negativeMass, 0, negativeMass.length);
    System.arraycopy(highestBin, 0, copy.highestBin, 0, labelCount);
    System.arraycopy(lowestBin, 0, copy.lowestBin, 0, labelCount);
    double keptEvents = 1 / (1 - copy.decayFactor);
    if (Double.isFinite(keptEvents)) {
      for (int label = 0; label < labelCount; label++) {
        copy.forget(label, keptEvents);
      }
    }
    return copy;
  }

  /**
   * Area under the precision-recall curve as average precision over the bins, from the highest bin down:
   * the sum over bins of (the bin's share of positives) times (the precision of predicting every event at
   * or above the bin positive). A perfect ranker scores 1, a random one about the prevalence. 0 when the
   * label has no positives.
   */
  public double auprc(int label) {
    double truePositives = 0;
    double falsePositives = 0;
    double precisionWeightedPositives = 0;
    for (int bin = bins - 1; bin >= 0; bin--) {
      double binPositives = positiveMass[label * bins + bin];
      truePositives += binPositives;
      falsePositives += negativeMass[label * bins + bin];
      if (binPositives > 0) {
        precisionWeightedPositives += binPositives * truePositives / (truePositives + falsePositives);
      }
    }
    return truePositives == 0 ? 0 : precisionWeightedPositives / truePositives;
  }

  /** Decayed count of positive events recorded for {@code label}. */
  public double positives(int label) {
    return positiveTotal[label] / growth[label];
  }

  /** Decayed count of negative events recorded for {@code label}. */
  public double negatives(int label) {
    return negativeTotal[label] / growth[label];
  }

  public int labelCount() {
    return labelCount;
  }

  public int bins() {
    return bins;
  }

  public double halfLifeEvents() {
    return halfLifeEvents;
  }

  /**
   * The label's positive mass in {@code bin}, in a per-label unit shared with {@link #scaledNegatives}:
   * good for ratios such as precision and recall, not for absolute counts.
   */
  double scaledPositives(int label, int bin) {
    return positiveMass[label * bins + bin];
  }

  /** The highest bin holding any of the label's mass, -1 when none does. */
  int highestBin(int label) {
    return highestBin[label];
  }

  /** The lowest bin holding any of the label's mass, {@link #bins()} when none does. */
  int lowestBin(int label) {
    return lowestBin[label];
  }

  /** The label's positive mass over all bins, in the unit of {@link #scaledPositives}. */
  double scaledPositiveTotal(int label) {
    return positiveTotal[label];
  }

  /** The label's negative mass in {@code bin}, in the unit of {@link #scaledPositives}. */
  double scaledNegatives(int label, int bin) {
    return negativeMass[label * bins + bin];
  }

  /** The complete state as a saved-state record; {@link #fromSaved} restores it bit-exactly. */
  public SavedScoreHistograms toSaved() {
    return new SavedScoreHistograms(bins, halfLifeEvents, SavedArrays.doubles(growth),
        SavedArrays.doubles(positiveTotal), SavedArrays.doubles(negativeTotal), SavedArrays.doubles(positiveMass),
        SavedArrays.doubles(negativeMass));
  }

  /** The histograms of {@link #toSaved}'s record. */
  public static ScoreHistograms fromSaved(SavedScoreHistograms saved) {
    ScoreHistograms histograms = new ScoreHistograms(saved.getGrowth().size(), saved.getBins(),
        saved.getHalfLifeEvents());
    SavedArrays.copy(saved.getGrowth(), histograms.growth, "growth");
    SavedArrays.copy(saved.getPositiveTotal(), histograms.positiveTotal, "positiveTotal");
    SavedArrays.copy(saved.getNegativeTotal(), histograms.negativeTotal, "negativeTotal");
    SavedArrays.copy(saved.getPositiveMass(), histograms.positiveMass, "positiveMass");
    SavedArrays.copy(saved.getNegativeMass(), histograms.negativeMass, "negativeMass");
    for (int label = 0; label < histograms.labelCount; label++) {
      for (int bin = 0; bin < histograms.bins; bin++) {
        int index = label * histograms.bins + bin;
        if (histograms.positiveMass[index] != 0 || histograms.negativeMass[index] != 0) {
          histograms.highestBin[label] = Math.max(histograms.highestBin[label], bin);
          histograms.lowestBin[label] = Math.min(histograms.lowestBin[label], bin);
        }
      }
    }
    return histograms;
  }

  /** The bin {@link #add} puts the probability in. */
  int bin(float probability) {
    if (!(probability >= 0f && probability <= 1f)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
    return Math.min(bins - 1, (int) (probability * bins));
  }

  private void rescale(int label) {
    double scale = growth[label];
    for (int bin = label * bins; bin < (label + 1) * bins; bin++) {
      positiveMass[bin] /= scale;
      negativeMass[bin] /= scale;
    }
    positiveTotal[label] /= scale;
    negativeTotal[label] /= scale;
    growth[label] = 1.0;
  }
}
