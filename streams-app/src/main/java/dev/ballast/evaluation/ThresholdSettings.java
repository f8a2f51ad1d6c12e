package dev.ballast.evaluation;

import java.util.Objects;

/**
 * Parameters of a {@link ThresholdTuner}.
 *
 * @param policy fixed or tuned thresholds
 * @param metric what a tuned threshold maximises
 * @param beta the beta of {@link ThresholdMetric#F_BETA}, positive
 * @param recallFloor the recall floor of {@link ThresholdMetric#PRECISION_AT_RECALL}, in (0, 1]
 * @param bins histogram bins over [0, 1], at least 2: the candidate thresholds are the bins' lower edges
 * @param halfLifeEvents half-life in events of the score histograms, positive, may be infinite
 * @param minPositives decayed positives a label must have seen before its threshold is tuned, non-negative
 * @param priorPositives the weight, in positives, with which a tuned threshold is pulled toward
 *     {@code defaultThreshold}: a label with {@code n} decayed positives gets {@code (n * tuned + priorPositives *
 *     defaultThreshold) / (n + priorPositives)}; non-negative, 0 for no pull
 * @param defaultThreshold threshold before tuning, and always under {@link ThresholdPolicy#FIXED}, in (0, 1)
 */
public record ThresholdSettings(ThresholdPolicy policy, ThresholdMetric metric, double beta, double recallFloor,
                                int bins, double halfLifeEvents, double minPositives, double priorPositives,
                                float defaultThreshold) {

  /**
   * @throws IllegalArgumentException naming the parameter when a value is out of range
   */
  public ThresholdSettings {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(metric, "metric");
    if (!(beta > 0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("beta must be positive and finite, got " + beta);
    }
    if (!(recallFloor > 0 && recallFloor <= 1)) {
      throw new IllegalArgumentException("recallFloor must be in (0, 1], got " + recallFloor);
    }
    if (bins < 2) {
      throw new IllegalArgumentException("bins must be at least 2, got " + bins);
    }
    if (!(halfLifeEvents > 0)) {
      throw new IllegalArgumentException("halfLifeEvents must be positive, got " + halfLifeEvents);
    }
    if (!(minPositives >= 0 && minPositives < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("minPositives must be non-negative and finite, got " + minPositives);
    }
    if (!(priorPositives >= 0 && priorPositives < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("priorPositives must be non-negative and finite, got " + priorPositives);
    }
    if (!(defaultThreshold > 0 && defaultThreshold < 1)) {
      throw new IllegalArgumentException("defaultThreshold must be in (0, 1), got " + defaultThreshold);
    }
  }

  /**
   * The configuration's defaults: tuned thresholds maximising F1 over 100 bins with a half-life of 1,000 events,
   * after 5 positives, pulled toward 0.5 with the weight of 2 positives; 0.5 until then. Class weights shift a model's
   * probabilities upwards on rare labels, so a fixed 0.5 is rarely the best cut; the short half-life follows
   * prevalence moves and the model's own scores, which move as it learns (docs/evaluation.md, "Threshold memory");
   * the pull steadies the thresholds of labels with few positives in the histograms ("Threshold prior").
   */
  public static ThresholdSettings defaults() {
    return new ThresholdSettings(ThresholdPolicy.TUNED, ThresholdMetric.F1, 1.0, 0.5, 100, 1_000, 5, 2, 0.5f);
  }
}
