package dev.ballast.evaluation.drift;

/**
 * Parameters of the detectors an {@link ImbalanceMonitor} runs per label.
 *
 * @param prevalenceRelativeDelta see {@link PageHinkleyDetector}
 * @param prevalenceThreshold see {@link PageHinkleyDetector}
 * @param prevalenceMinEvents see {@link PageHinkleyDetector}
 * @param recallHalfLifePositives see {@link MinorityRecallDropDetector}
 * @param recallMinPositives see {@link MinorityRecallDropDetector}
 * @param recallDropSigmas see {@link MinorityRecallDropDetector}
 * @param collapseWindowEvents see {@link CollapseDetector}
 */
public record DetectorSettings(double prevalenceRelativeDelta, double prevalenceThreshold, long prevalenceMinEvents,
                               double recallHalfLifePositives, double recallMinPositives, double recallDropSigmas,
                               long collapseWindowEvents) {

  /** Validates by building one detector of each kind. */
  public DetectorSettings {
    new PageHinkleyDetector(prevalenceRelativeDelta, prevalenceThreshold, prevalenceMinEvents);
    new MinorityRecallDropDetector(recallHalfLifePositives, recallMinPositives, recallDropSigmas);
    new CollapseDetector(collapseWindowEvents);
  }

  /**
   * Prevalence: shifts beyond a quarter of the minority rate, threshold 25, after 100 events (no false
   * alarm in 20,000 stationary events at any prevalence; a doubling of 5% is found within about a thousand
   * events). Recall: half-life 500 positives, 50 positives of burn-in, 3 sigmas. Collapse: 2,000 events.
   */
  public static DetectorSettings defaults() {
    return new DetectorSettings(0.25, 25, 100, 500, 50, 3, 2_000);
  }

  PageHinkleyDetector newPrevalenceDetector() {
    return new PageHinkleyDetector(prevalenceRelativeDelta, prevalenceThreshold, prevalenceMinEvents);
  }

  MinorityRecallDropDetector newRecallDropDetector() {
    return new MinorityRecallDropDetector(recallHalfLifePositives, recallMinPositives, recallDropSigmas);
  }

  CollapseDetector newCollapseDetector() {
    return new CollapseDetector(collapseWindowEvents);
  }
}
