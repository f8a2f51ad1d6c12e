package dev.ballast.evaluation;

/** What a tuned threshold maximises on a label's past scores. */
public enum ThresholdMetric {
  /** F1, the harmonic mean of precision and recall. */
  F1("f1"),
  /** F-beta: recall counts {@code beta} times as much as precision. */
  F_BETA("f-beta"),
  /** The highest precision whose recall is at least the recall floor. */
  PRECISION_AT_RECALL("precision-at-recall");

  private final String configName;

  ThresholdMetric(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration. */
  public String configName() {
    return configName;
  }

  /** @throws IllegalArgumentException listing the valid names when {@code name} is none of them */
  public static ThresholdMetric fromConfigName(String name) {
    return ConfigNames.parse(ThresholdMetric.class, name, ThresholdMetric::configName, "threshold metric");
  }
}
