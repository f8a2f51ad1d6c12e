package dev.ballast.weighting;

import java.util.Objects;

/**
 * Parameters of a {@link WeightPolicy}.
 *
 * @param type which formula
 * @param smoothing added to both the positive and the negative count before any formula (Laplace); positive,
 *     so a label never seen positive still gets a finite weight
 * @param minWeight lower clip of one-sided positive weights, positive
 * @param maxWeight upper clip of one-sided positive weights, at least {@code minWeight}
 * @param logMu the {@code mu} of the {@link WeightPolicyType#LOG} policy, positive
 * @param effectiveNumberBeta the {@code beta} of the {@link WeightPolicyType#EFFECTIVE_NUMBER} policy, in (0, 1)
 */
public record WeightPolicySettings(WeightPolicyType type, double smoothing, double minWeight, double maxWeight,
                                   double logMu, double effectiveNumberBeta) {

  /**
   * @throws IllegalArgumentException naming the parameter when a value is out of range
   */
  public WeightPolicySettings {
    Objects.requireNonNull(type, "type");
    requireFinitePositive("smoothing", smoothing);
    requireFinitePositive("minWeight", minWeight);
    requireFinitePositive("maxWeight", maxWeight);
    if (maxWeight < minWeight) {
      throw new IllegalArgumentException("maxWeight " + maxWeight + " is below minWeight " + minWeight);
    }
    requireFinitePositive("logMu", logMu);
    if (!(effectiveNumberBeta > 0 && effectiveNumberBeta < 1)) {
      throw new IllegalArgumentException("effectiveNumberBeta must be in (0, 1), got " + effectiveNumberBeta);
    }
  }

  /**
   * The product defaults: {@code log} at mu 1, smoothing 1, clip [1, 1000], beta 0.999. At mu 1 a label's weight is
   * the surprisal of a positive, {@code max(1, ln(n / pos))}: 5.3 at a prevalence of 0.5%, 2.3 at 10%, 1 from 37% on.
   * The logit adjustment by the decayed priors already corrects for the imbalance; these milder weights add the
   * faster learning a rare label needs without over-correcting the labels of moderate prevalence, where
   * {@code sqrt} (14 at 0.5%, 3 at 10%) costs sparse rows (docs/evaluation.md, "Class weights").
   */
  public static WeightPolicySettings defaults() {
    return new WeightPolicySettings(WeightPolicyType.LOG, 1.0, 1.0, 1000.0, 1.0, 0.999);
  }

  /** These settings with another policy type. */
  public WeightPolicySettings withType(WeightPolicyType newType) {
    return new WeightPolicySettings(newType, smoothing, minWeight, maxWeight, logMu, effectiveNumberBeta);
  }

  private static void requireFinitePositive(String name, double value) {
    if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(name + " must be positive and finite, got " + value);
    }
  }
}
