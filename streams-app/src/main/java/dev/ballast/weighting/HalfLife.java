package dev.ballast.weighting;

/** Exponential forgetting expressed as a half-life counted in events, shared by every decayed statistic. */
public final class HalfLife {

  private HalfLife() {
  }

  /**
   * The factor applied to a decayed quantity once per event, {@code 2^(-1/halfLifeEvents)}: after
   * {@code halfLifeEvents} events an observation weighs one half.
   *
   * @param halfLifeEvents positive; {@link Double#POSITIVE_INFINITY} means no forgetting (factor 1)
   * @throws IllegalArgumentException when the half-life is not positive or is NaN
   */
  public static double decayFactor(double halfLifeEvents) {
    if (!(halfLifeEvents > 0)) {
      throw new IllegalArgumentException("half-life must be positive (events), got " + halfLifeEvents);
    }
    return Math.pow(2.0, -1.0 / halfLifeEvents);
  }
}
