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
   * The product defaults: {@code sqrt}, smoothing 1, clip [1, 1000], mu 0.15, beta 0.999. Square-root
   * damping keeps rare labels learnable without the variance that raw inverse-prevalence weights bring
   * when decayed counts of a rare label are small and noisy.
   */
  public static WeightPolicySettings defaults() {
    return new WeightPolicySettings(WeightPolicyType.SQRT, 1.0, 1.0, 1000.0, 0.15, 0.999);
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
