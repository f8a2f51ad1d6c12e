package dev.ballast.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every policy promises, whatever its formula. */
class WeightPolicyContractTest {

  private static final double[] TOTALS = {0, 0.3, 1, 2.5, 10, 999.9, 1e4, 1e6, 1e9};
  private static final double[] PREVALENCES = {0, 1e-7, 1e-4, 0.003, 0.01, 0.1, 0.25, 0.5, 0.75, 0.99, 1};

  @ParameterizedTest
  @EnumSource(WeightPolicyType.class)
  void shouldReturnFinitePositiveWeightsForAnyCountsIncludingZeroAndFractional(WeightPolicyType type) {
    WeightPolicySettings settings = WeightPolicySettings.defaults().withType(type);
    WeightPolicy policy = new WeightPolicy(settings);
    for (double total : TOTALS) {
      for (double prevalence : PREVALENCES) {
        LabelWeight weight = policy.weight(prevalence * total, total);
        assertFiniteAndPositive(weight.positive());
        assertFiniteAndPositive(weight.negative());
        if (type != WeightPolicyType.BALANCED) {
          assertTrue(weight.positive() >= settings.minWeight(), () -> type + " " + weight);
          assertTrue(weight.positive() <= settings.maxWeight(), () -> type + " " + weight);
          assertEquals(1.0, weight.negative());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(WeightPolicyType.class)
  void shouldNeverWeighARarerLabelsPositivesLower(WeightPolicyType type) {
    WeightPolicy policy = new WeightPolicy(WeightPolicySettings.defaults().withType(type));
    for (double total : TOTALS) {
      double previousPositiveWeight = Double.POSITIVE_INFINITY;
      for (double prevalence : PREVALENCES) {
        double positiveWeight = policy.weight(prevalence * total, total).positive();
        assertTrue(positiveWeight <= previousPositiveWeight,
            () -> type + " total=" + total + " prevalence=" + prevalence + " weight=" + positiveWeight);
        previousPositiveWeight = positiveWeight;
      }
    }
  }

  @ParameterizedTest
  @EnumSource(WeightPolicyType.class)
  void shouldRoundTripConfigName(WeightPolicyType type) {
    assertEquals(type, WeightPolicyType.fromConfigName(type.configName()));
  }

  @Test
  void shouldListValidNamesWhenConfigNameIsUnknown() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> WeightPolicyType.fromConfigName("inverse"));
    assertTrue(error.getMessage().contains("none, inverse-prevalence, sqrt, log, balanced, effective-number"),
        error.getMessage());
  }

  @Test
  void shouldDefaultToTheSurprisalOfAPositive() {
    WeightPolicy policy = new WeightPolicy(WeightPolicySettings.defaults());
    assertEquals(WeightPolicyType.LOG, WeightPolicySettings.defaults().type());
    // Smoothed counts 10 of 1,000 (9 + 1 of 998 + 2): ln(1000 / 10).
    assertEquals(Math.log(100), policy.weight(9, 998).positive(), 1e-12);
    assertEquals(1.0, policy.weight(9, 998).negative());
    // A label at or above a prevalence of 1/e is not weighted.
    assertEquals(1.0, policy.weight(399, 998).positive());
  }

  @Test
  void shouldRejectCountsThatCannotBeCounts() {
    WeightPolicy policy = new WeightPolicy(WeightPolicySettings.defaults());
    assertThrows(IllegalArgumentException.class, () -> policy.weight(-1, 10));
    assertThrows(IllegalArgumentException.class, () -> policy.weight(11, 10));
    assertThrows(IllegalArgumentException.class, () -> policy.weight(Double.NaN, 10));
  }

  @Test
  void shouldRejectSettingsOutOfRangeNamingTheParameter() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> new WeightPolicySettings(WeightPolicyType.SQRT, 1, 10, 5, 0.15, 0.999));
    assertTrue(error.getMessage().contains("maxWeight"), error.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new WeightPolicySettings(WeightPolicyType.SQRT, 0, 1, 1000, 0.15, 0.999));
    assertThrows(IllegalArgumentException.class,
        () -> new WeightPolicySettings(WeightPolicyType.SQRT, 1, 1, 1000, 0.15, 1.0));
  }

  @Test
  void shouldFillWeightsOfEveryLabelFromStatistics() {
    DecayedLabelStatistics statistics = new DecayedLabelStatistics(2, Double.POSITIVE_INFINITY);
    statistics.observe(new float[] {1, 0}, 0);
    statistics.observe(new float[] {0, 0}, 0);
    statistics.observe(new float[] {0, 0}, 0);
    float[] positive = new float[2];
    float[] negative = new float[2];

    new WeightPolicy(WeightPolicySettings.defaults().withType(WeightPolicyType.INVERSE_PREVALENCE))
        .weights(statistics, positive, negative);

    assertEquals(1.5f, positive[0]);
    assertEquals(4f, positive[1]);
    assertEquals(1f, negative[0]);
    assertEquals(1f, negative[1]);
  }

  private static void assertFiniteAndPositive(double weight) {
    assertTrue(weight > 0 && Double.isFinite(weight), () -> "weight " + weight);
  }
}
