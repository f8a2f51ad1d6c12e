package dev.ballast.weighting;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a label's decayed counts become its class weights. With smoothed counts {@code pos} and {@code neg}
 * and {@code n = pos + neg}, the positive weight is:
 * <ul>
 *   <li>{@link #NONE}: 1 (the negative weight is 1 as well);</li>
 *   <li>{@link #INVERSE_PREVALENCE}: {@code neg / pos}, the {@code pos_weight} of
 *       {@code weighted_cross_entropy_with_logits};</li>
 *   <li>{@link #SQRT}: {@code sqrt(neg / pos)}, damped against exploding weights on very rare labels;</li>
 *   <li>{@link #LOG}: {@code ln(mu * n / pos)}, damped harder (with the default {@code minWeight} of 1 this is
 *       the usual {@code max(1, ln(mu * n / pos))}; at the default mu of 1, the surprisal of a positive);</li>
 *   <li>{@link #BALANCED}: scikit-learn's {@code n / (2 * pos)}, with negative weight {@code n / (2 * neg)};</li>
 *   <li>{@link #EFFECTIVE_NUMBER}: Cui et al. 2019, {@code E(neg) / E(pos)} with
 *       {@code E(k) = (1 - beta^k) / (1 - beta)}.</li>
 * </ul>
 * All but {@code NONE} and {@code BALANCED} are one-sided: the negative weight is 1 and the positive weight
 * is clipped to {@code [minWeight, maxWeight]}. {@code BALANCED} weighs both sides and is not clipped.
 */
public enum WeightPolicyType {
  NONE("none"),
  INVERSE_PREVALENCE("inverse-prevalence"),
  SQRT("sqrt"),
  LOG("log"),
  BALANCED("balanced"),
  EFFECTIVE_NUMBER("effective-number");

  private final String configName;

  WeightPolicyType(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration, for example {@code "inverse-prevalence"}. */
  public String configName() {
    return configName;
  }

  /**
   * The policy with the given configuration name.
   *
   * @throws IllegalArgumentException naming the valid names when {@code name} is none of them
   */
  public static WeightPolicyType fromConfigName(String name) {
    for (WeightPolicyType type : values()) {
      if (type.configName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown weight policy '" + name + "', expected one of "
        + Arrays.stream(values()).map(WeightPolicyType::configName).collect(Collectors.joining(", ")));
  }
}
