package dev.ballast.evaluation;

/** Whether per-label decision thresholds stay at their default or are tuned online. */
public enum ThresholdPolicy {
  /** Every label keeps the default threshold. */
  FIXED("fixed"),
  /** Each label's threshold maximises a {@link ThresholdMetric} on the label's own past scores. */
  TUNED("tuned");

  private final String configName;

  ThresholdPolicy(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration. */
  public String configName() {
    return configName;
  }

  /** @throws IllegalArgumentException listing the valid names when {@code name} is none of them */
  public static ThresholdPolicy fromConfigName(String name) {
    return ConfigNames.parse(ThresholdPolicy.class, name, ThresholdPolicy::configName, "threshold policy");
  }
}
