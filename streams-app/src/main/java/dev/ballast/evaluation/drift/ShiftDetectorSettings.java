package dev.ballast.evaluation.drift;

import java.util.Locale;

/**
 * Which detector tells the trainer that a label's prevalence shifted (to shorten the label's memory), and the
 * parameters of the CUSUM one. Alerts have their own detector ({@link PageHinkleyDetector}, see
 * {@link DetectorSettings}).
 *
 * @param detector which detector fires the memory cut
 * @param oddsRatio see {@link PrevalenceCusum}: the change in the odds of a positive it is tuned to, above 1
 * @param thresholdNats see {@link PrevalenceCusum}: the log-likelihood ratio that fires it, positive
 * @param minEvents see {@link PrevalenceCusum}: the weight, in events, of the counts behind a label's prior before it
 *     is tested, at least 1
 */
public record ShiftDetectorSettings(Detector detector, double oddsRatio, double thresholdNats, long minEvents) {

  /** The detectors that can fire the memory cut. */
  public enum Detector {
    /** {@link PrevalenceCusum}, run for the memory cut alone. */
    CUSUM,
    /** The alerts' Page-Hinkley detector: the cut follows the prevalence-shift alerts' detector. */
    PAGE_HINKLEY;

    /** The name used in configuration: "cusum" or "page-hinkley". */
    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Validates by building a detector. */
  public ShiftDetectorSettings {
    if (detector == null) {
      throw new IllegalArgumentException("detector must be given");
    }
    new PrevalenceCusum(1, oddsRatio, thresholdNats, minEvents);
  }

  /**
   * CUSUM, tuned to a fourfold change in the odds, 12 nats, once a prior rests on 100 events: on the drifting stream
   * of docs/evaluation.md ("Drifting stream") it cuts only after a switch, where 8 nats also cut about once per
   * 40,000 events of a stationary label, and on Yeast and Music it never fires.
   */
  public static ShiftDetectorSettings defaults() {
    return new ShiftDetectorSettings(Detector.CUSUM, 4, 12, 100);
  }

  /** A detector for {@code labels} labels, null when the cut follows the Page-Hinkley detector. */
  public PrevalenceCusum newCusum(int labels) {
    return detector == Detector.CUSUM ? new PrevalenceCusum(labels, oddsRatio, thresholdNats, minEvents) : null;
  }
}
