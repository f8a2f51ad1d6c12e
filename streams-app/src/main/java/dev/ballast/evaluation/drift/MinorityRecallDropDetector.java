package dev.ballast.evaluation.drift;

import dev.ballast.weighting.HalfLife;
import dev.ballast.schema.state.SavedRecallDrop;
import java.util.Optional;

/**
 * Detects a significant drop of recall on a label's minority (positive) class, in the style of DDM-OCI
 * (Wang, Minku, Ghezzi, Caltabiano and Yao, 2013): it sees only the decisions on positive events.
 *
 * <p>Recall {@code R} is decayed with a half-life counted in positives; its standard deviation is
 * {@code s = sqrt(R (1 - R) / n)} with {@code n} the effective (Kish) sample size of the decay weights.
 * The best recall is recorded where {@code R - s} peaks, as in DDM, and the detector fires when
 * {@code R + s < bestRecall - sigmas * bestDeviation}. Unlike DDM-OCI the best recall fades towards the
 * current one with the same half-life: a decayed estimate keeps fluctuating, and the maximum of an
 * unfading record would eventually lie far enough above the mean to raise false alarms on a stationary
 * stream. The reported change is the best recall (before) and the plain recall over the positives seen
 * since the best was recorded (after), an estimate of the new recall that the slow decayed one lags
 * behind; then the detector resets.
 */
public final class MinorityRecallDropDetector {

  private final double halfLifePositives;
  private final double decayFactor;
  private final double minPositives;
  private final double sigmas;
  private double decayedPositives;
  private double decayedSquaredWeights;
  private double decayedHits;
  private double bestRecall;
  private double bestDeviation;
  private boolean hasBest;
  private long positivesSinceBest;
  private long hitsSinceBest;

  /**
   * @param halfLifePositives half-life of the recall estimate in positive events, positive
   * @param minPositives decayed positives after a reset before the detector may fire
   * @param sigmas how many of the best point's standard deviations make a drop significant, positive
   */
  public MinorityRecallDropDetector(double halfLifePositives, double minPositives, double sigmas) {
    if (!(sigmas > 0 && sigmas < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("sigmas must be positive and finite, got " + sigmas);
    }
    if (!(minPositives >= 1 && minPositives < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("minPositives must be at least 1, got " + minPositives);
    }
    this.halfLifePositives = halfLifePositives;
    this.decayFactor = HalfLife.decayFactor(halfLifePositives);
    this.minPositives = minPositives;
    this.sigmas = sigmas;
  }

  /**
   * Observes one prequential decision. Negative events are ignored.
   *
   * @param positive whether the label was positive in the event
   * @param predictedPositive whether the model predicted it positive
   * @return the change (best recall, current recall) when the detector fires, otherwise empty
   */
  public Optional<Change> update(boolean positive, boolean predictedPositive) {
    if (!positive) {
      return Optional.empty();
    }
    decayedPositives = decayedPositives * decayFactor + 1;
    decayedSquaredWeights = decayedSquaredWeights * decayFactor * decayFactor + 1;
    decayedHits = decayedHits * decayFactor + (predictedPositive ? 1 : 0);
    if (decayedPositives < minPositives) {
      return Optional.empty();
    }
    double recall = decayedHits / decayedPositives;
    double effectivePositives = decayedPositives * decayedPositives / decayedSquaredWeights;
    double deviation = Math.sqrt(recall * (1 - recall) / effectivePositives);
    if (!hasBest || recall - deviation >= bestRecall - bestDeviation) {
      bestRecall = recall;
      bestDeviation = deviation;
      hasBest = true;
      positivesSinceBest = 0;
      hitsSinceBest = 0;
      return Optional.empty();
    }
    bestRecall = recall + decayFactor * (bestRecall - recall);
    positivesSinceBest++;
    hitsSinceBest += predictedPositive ? 1 : 0;
    if (recall + deviation < bestRecall - sigmas * bestDeviation) {
      Change change = new Change(bestRecall, (double) hitsSinceBest / positivesSinceBest);
      reset();
      return Optional.of(change);
    }
    return Optional.empty();
  }

  /** The current decayed recall; 0 before any positive. */
  public double recall() {
    return decayedPositives == 0 ? 0 : decayedHits / decayedPositives;
  }

  /**
   * The current decayed recall once the detector has seen its minimum of positives since the start or its last
   * firing, NaN before: after a drop, the recall of the new regime alone.
   */
  public double settledRecall() {
    return decayedPositives < minPositives ? Double.NaN : decayedHits / decayedPositives;
  }

  private void reset() {
    decayedPositives = 0;
    decayedSquaredWeights = 0;
    decayedHits = 0;
    bestRecall = 0;
    bestDeviation = 0;
    hasBest = false;
    positivesSinceBest = 0;
    hitsSinceBest = 0;
  }

  /** The state (not the settings) as a saved-state record; {@link #restore} restores it bit-exactly. */
  SavedRecallDrop toSaved() {
    return new SavedRecallDrop(decayedPositives, decayedSquaredWeights, decayedHits, bestRecall, bestDeviation, hasBest,
        positivesSinceBest, hitsSinceBest);
  }

  /** Takes the state of {@link #toSaved}'s record. */
  void restore(SavedRecallDrop saved) {
    decayedPositives = saved.getDecayedPositives();
    decayedSquaredWeights = saved.getDecayedSquaredWeights();
    decayedHits = saved.getDecayedHits();
    bestRecall = saved.getBestRecall();
    bestDeviation = saved.getBestDeviation();
    hasBest = saved.getHasBest();
    positivesSinceBest = saved.getPositivesSinceBest();
    hitsSinceBest = saved.getHitsSinceBest();
  }
}
