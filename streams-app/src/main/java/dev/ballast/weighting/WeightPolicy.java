package dev.ballast.weighting;

/**
 * Turns a label's (decayed, possibly fractional) counts into its class weights according to
 * {@link WeightPolicySettings}; see {@link WeightPolicyType} for the formulas. Stateless and thread-safe.
 */
public final class WeightPolicy {

  private static final LabelWeight UNWEIGHTED = new LabelWeight(1.0, 1.0);

  private final WeightPolicySettings settings;
  private final double logBeta;

  public WeightPolicy(WeightPolicySettings settings) {
    this.settings = settings;
    this.logBeta = Math.log(settings.effectiveNumberBeta());
  }

  public WeightPolicySettings settings() {
    return settings;
  }

  /**
   * The weights of a label seen positive {@code positives} times out of {@code total} events.
   *
   * @param positives decayed positive count, in {@code [0, total]}
   * @param total decayed count of all events, non-negative
   */
  public LabelWeight weight(double positives, double total) {
    if (!(positives >= 0 && positives <= total && total < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("need 0 <= positives <= total < infinity, got positives=" + positives
          + ", total=" + total);
    }
    double smoothedPositives = positives + settings.smoothing();
    double smoothedNegatives = total - positives + settings.smoothing();
    double smoothedTotal = smoothedPositives + smoothedNegatives;
    return switch (settings.type()) {
      case NONE -> UNWEIGHTED;
      case INVERSE_PREVALENCE -> oneSided(smoothedNegatives / smoothedPositives);
      case SQRT -> oneSided(Math.sqrt(smoothedNegatives / smoothedPositives));
      case LOG -> oneSided(Math.log(settings.logMu() * smoothedTotal / smoothedPositives));
      case BALANCED -> new LabelWeight(smoothedTotal / (2 * smoothedPositives), smoothedTotal / (2 * smoothedNegatives));
      case EFFECTIVE_NUMBER -> oneSided(effectiveNumber(smoothedNegatives) / effectiveNumber(smoothedPositives));
    };
  }

  /**
   * Writes every label's weights in force for {@code statistics}.
   *
   * @param positiveOut receives the positive weight of label {@code l} at index {@code l}
   * @param negativeOut receives the negative weight of label {@code l} at index {@code l}
   */
  public void weights(DecayedLabelStatistics statistics, float[] positiveOut, float[] negativeOut) {
    for (int label = 0; label < statistics.labelCount(); label++) {
      LabelWeight weight = weight(statistics.positives(label), statistics.total(label));
      positiveOut[label] = (float) weight.positive();
      negativeOut[label] = (float) weight.negative();
    }
  }

  private LabelWeight oneSided(double positiveWeight) {
    return new LabelWeight(Math.min(settings.maxWeight(), Math.max(settings.minWeight(), positiveWeight)), 1.0);
  }

  /**
   * {@code (1 - beta^n) / (1 - beta)}, with the numerator as {@code -expm1(n ln beta)} so that it keeps its
   * precision for small {@code n}; the constant denominator cancels in the ratio and is left out.
   */
  private double effectiveNumber(double count) {
    return -Math.expm1(count * logBeta);
  }
}
