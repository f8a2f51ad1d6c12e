package dev.ballast.evaluation;

import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedMetrics;
import dev.ballast.weighting.HalfLife;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Prequential (predict-then-learn) evaluation of a multi-label model: per label, decayed confusion counts
 * and score histograms, and from them precision, recall, F1 and PR-AUC, per label and averaged.
 *
 * <p>Call {@link #update} with the model's probabilities for a mini-batch <em>before</em> the model learns
 * those rows, so each score is a genuine out-of-sample prediction. Every row decays all counts by
 * {@code 2^(-1/halfLifeEvents)}; an infinite half-life gives the cumulative counts of a whole-file report.
 *
 * <p>Macro averages run over the labels that have seen any positive ({@link #labelsWithPositives()});
 * a label never seen positive has no recall to speak of and would only drag the averages to 0. Micro F1
 * pools the counts of all labels.
 *
 * <p>Not thread-safe.
 */
public final class PrequentialMetrics {

  private final List<String> labelNames;
  private final double halfLifeEvents;
  private final double decayFactor;
  private final double[] truePositives;
  private final double[] falsePositives;
  private final double[] falseNegatives;
  private final ScoreHistograms histograms;
  private long events;

  /**
   * @param labelNames the model's labels, in the column order of {@link #update}'s arrays
   * @param bins histogram bins for the PR-AUC estimate, at least 2 (100 is a good default)
   * @param halfLifeEvents half-life in events, positive; infinite for a whole-file report
   */
  public PrequentialMetrics(List<String> labelNames, int bins, double halfLifeEvents) {
    this(List.copyOf(labelNames), halfLifeEvents, new ScoreHistograms(labelNames.size(), bins, halfLifeEvents));
  }

  private PrequentialMetrics(List<String> labelNames, double halfLifeEvents, ScoreHistograms histograms) {
    this.labelNames = labelNames;
    this.halfLifeEvents = halfLifeEvents;
    this.decayFactor = HalfLife.decayFactor(halfLifeEvents);
    this.truePositives = new double[labelNames.size()];
    this.falsePositives = new double[labelNames.size()];
    this.falseNegatives = new double[labelNames.size()];
    this.histograms = histograms;
  }

  /**
   * Scores a mini-batch of predictions made before the model learnt these rows.
   *
   * @param probabilities row-major {@code [row * labelCount + label]}, each in [0, 1]
   * @param targets row-major like {@code probabilities}: 1 positive, 0 negative (0.5 or more is positive)
   * @param rows number of rows to read from the arrays
   * @param thresholds per label: a probability at or above it is a positive prediction
   */
  public void update(float[] probabilities, float[] targets, int rows, float[] thresholds) {
    int labelCount = labelNames.size();
    for (int row = 0; row < rows; row++) {
      for (int label = 0; label < labelCount; label++) {
        int index = row * labelCount + label;
        boolean positive = targets[index] >= 0.5f;
        boolean predictedPositive = probabilities[index] >= thresholds[label];
        histograms.add(label, probabilities[index], positive);
        truePositives[label] = truePositives[label] * decayFactor + (positive && predictedPositive ? 1 : 0);
        falsePositives[label] = falsePositives[label] * decayFactor + (!positive && predictedPositive ? 1 : 0);
        falseNegatives[label] = falseNegatives[label] * decayFactor + (positive && !predictedPositive ? 1 : 0);
      }
      events++;
    }
  }

  /** The figures of label {@code label}. */
  public LabelReport label(int label) {
    double tp = truePositives[label];
    double fp = falsePositives[label];
    double fn = falseNegatives[label];
    double support = tp + fn;
    return new LabelReport(labelNames.get(label), support, tp, fp, fn, ConfusionRatios.precision(tp, fp),
        ConfusionRatios.recall(tp, fn), ConfusionRatios.fBeta(tp, fp, fn, 1), histograms.auprc(label),
        collapsed(label));
  }

  /** All labels' figures, in label order. */
  public List<LabelReport> labels() {
    List<LabelReport> reports = new ArrayList<>(labelNames.size());
    for (int label = 0; label < labelNames.size(); label++) {
      reports.add(label(label));
    }
    return reports;
  }

  /** Mean F1 over the labels with any positive seen; 0 when there is none. */
  public double macroF1() {
    return macroAverage(LabelReport::f1);
  }

  /** Mean recall over the labels with any positive seen; 0 when there is none. */
  public double macroRecall() {
    return macroAverage(LabelReport::recall);
  }

  /** Mean precision over the labels with any positive seen; 0 when there is none. */
  public double macroPrecision() {
    return macroAverage(LabelReport::precision);
  }

  /** Mean PR-AUC estimate over the labels with any positive seen; 0 when there is none. */
  public double macroAuprc() {
    return macroAverage(LabelReport::auprc);
  }

  /** F1 of the confusion counts pooled over all labels. */
  public double microF1() {
    double tp = 0;
    double fp = 0;
    double fn = 0;
    for (int label = 0; label < labelNames.size(); label++) {
      tp += truePositives[label];
      fp += falsePositives[label];
      fn += falseNegatives[label];
    }
    return ConfusionRatios.fBeta(tp, fp, fn, 1);
  }

  /** Number of labels with any (decayed, so possibly fractional) positive seen: the macro averages' base. */
  public int labelsWithPositives() {
    int count = 0;
    for (int label = 0; label < labelNames.size(); label++) {
      if (truePositives[label] + falseNegatives[label] > 0) {
        count++;
      }
    }
    return count;
  }

  /** Number of labels {@linkplain LabelReport#collapsed() collapsed} to always answering negative. */
  public int collapsedLabels() {
    int count = 0;
    for (int label = 0; label < labelNames.size(); label++) {
      if (collapsed(label)) {
        count++;
      }
    }
    return count;
  }

  private boolean collapsed(int label) {
    return truePositives[label] + falseNegatives[label] >= 1 && truePositives[label] + falsePositives[label] < 1;
  }

  /** Number of rows scored, undecayed. */
  public long events() {
    return events;
  }

  public List<String> labelNames() {
    return labelNames;
  }

  /** Half-life of the counts, in events (infinite: no decay). */
  public double halfLifeEvents() {
    return halfLifeEvents;
  }

  /** Histogram bins of the PR-AUC estimate. */
  public int bins() {
    return histograms.bins();
  }

  /** The complete state as a saved-state record, label names included; {@link #fromSaved} restores it bit-exactly. */
  public SavedMetrics toSaved() {
    return new SavedMetrics(labelNames, halfLifeEvents, events, SavedArrays.doubles(truePositives),
        SavedArrays.doubles(falsePositives), SavedArrays.doubles(falseNegatives), histograms.toSaved());
  }

  /** The metrics of {@link #toSaved}'s record. */
  public static PrequentialMetrics fromSaved(SavedMetrics saved) {
    PrequentialMetrics metrics = new PrequentialMetrics(List.copyOf(saved.getLabelNames()), saved.getHalfLifeEvents(),
        ScoreHistograms.fromSaved(saved.getHistograms()));
    metrics.events = saved.getEvents();
    SavedArrays.copy(saved.getTruePositives(), metrics.truePositives, "truePositives");
    SavedArrays.copy(saved.getFalsePositives(), metrics.falsePositives, "falsePositives");
    SavedArrays.copy(saved.getFalseNegatives(), metrics.falseNegatives, "falseNegatives");
    return metrics;
  }

  private double macroAverage(ToDoubleFunction<LabelReport> figure) {
    double sum = 0;
    int labels = 0;
    for (int label = 0; label < labelNames.size(); label++) {
      LabelReport report = label(label);
      if (report.support() > 0) {
        sum += figure.applyAsDouble(report);
        labels++;
      }
    }
    return labels == 0 ? 0 : sum / labels;
  }
}
