package dev.ballast.training;

import dev.ballast.evaluation.ThresholdSettings;
import dev.ballast.evaluation.drift.DetectorSettings;
import dev.ballast.evaluation.drift.ShiftDetectorSettings;
import dev.ballast.learning.LearningSettings;
import dev.ballast.weighting.WeightPolicySettings;

/**
 * Everything that shapes one model's training.
 *
 * @param batchSize events per mini-batch (one optimiser step each)
 * @param learning model and optimiser
 * @param weighting how label counts become class weights
 * @param weightingHalfLifeEvents half-life of the label counts behind the weights (infinite: cumulative)
 * @param thresholds decision-threshold policy
 * @param metricsBins histogram bins of the PR-AUC estimate
 * @param metricsHalfLifeEvents half-life of the prequential metrics (infinite: whole-stream figures)
 * @param driftDetection whether the imbalance drift detectors run
 * @param detectors the drift detectors' parameters (used when they run)
 * @param shiftMemoryEvents when the shift detector fires for a label, the weight in events its label counts and
 *     threshold histograms keep ({@link OnlineTrainer}); 0 leaves them as they are
 * @param shiftDetector the detector that fires that memory cut
 * @param negativeSamplingRate share of each label's negatives trained on, weighted by its inverse (1: all; see
 *     {@link dev.ballast.learning.NegativeSampling})
 * @param labelStacking whether a second stage over all labels' scores learns label dependencies (see
 *     {@link dev.ballast.learning.LabelStacking})
 * @param warmupEvents until the model has trained on this many events (rounded up to whole batches), its
 *     mini-batches hold {@code warmupBatchSize} events (0: never)
 * @param warmupBatchSize events per mini-batch during the warm-up, at least 1 (at most {@code batchSize} takes effect)
 * @param shortBatchExponent in [0, 1]: a batch of fewer than {@code batchSize} events scales its mean gradient by
 *     its share of a full batch to this power ({@link #gradientScale})
 */
public record TrainerSettings(int batchSize, LearningSettings learning, WeightPolicySettings weighting,
        double weightingHalfLifeEvents, ThresholdSettings thresholds, int metricsBins, double metricsHalfLifeEvents,
        boolean driftDetection, DetectorSettings detectors, double shiftMemoryEvents, ShiftDetectorSettings shiftDetector,
        double negativeSamplingRate, boolean labelStacking, long warmupEvents, int warmupBatchSize,
        double shortBatchExponent) {

    public TrainerSettings {
        if (!(shortBatchExponent >= 0 && shortBatchExponent <= 1)) {
            throw new IllegalArgumentException("shortBatchExponent must be in [0, 1], got " + shortBatchExponent);
        }
        if (warmupEvents < 0 || warmupBatchSize < 1) {
            throw new IllegalArgumentException("warmupEvents must be >= 0 and warmupBatchSize >= 1, got "
                    + warmupEvents + " and " + warmupBatchSize);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (!(shiftMemoryEvents >= 0 && shiftMemoryEvents < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("shiftMemoryEvents must be non-negative and finite, got "
                    + shiftMemoryEvents);
        }
        if (shiftDetector == null) {
            throw new IllegalArgumentException("shiftDetector must be given");
        }
        if (!(negativeSamplingRate > 0 && negativeSamplingRate <= 1)) {
            throw new IllegalArgumentException("negativeSamplingRate must be in (0, 1], got " + negativeSamplingRate);
        }
    }

    public TrainerSettings withMetricsHalfLife(double halfLifeEvents) {
        return new TrainerSettings(batchSize, learning, weighting, weightingHalfLifeEvents, thresholds, metricsBins,
                halfLifeEvents, driftDetection, detectors, shiftMemoryEvents, shiftDetector, negativeSamplingRate,
                labelStacking, warmupEvents, warmupBatchSize, shortBatchExponent);
    }

    /**
     * The events per mini-batch of a model that has trained on {@code eventsTrained} events: the warm-up's batch size
     * (when smaller) until {@link #warmupEvents} rounded up to a whole number of full batches, then
     * {@link #batchSize}. The warm-up's last batch is cut short where needed, so that the full batches after it end
     * where they would have without the warm-up (a stream of whole batches leaves none pending).
     */
    public int batchSizeAfter(long eventsTrained) {
        long warmupEnd = (warmupEvents + batchSize - 1) / batchSize * batchSize;
        if (eventsTrained >= warmupEnd) {
            return batchSize;
        }
        return (int) Math.min(Math.min(warmupBatchSize, batchSize), warmupEnd - eventsTrained);
    }

    /**
     * The factor on the mean gradient of a batch of {@code rows} events: {@code (rows / batchSize)} to the power
     * {@link #shortBatchExponent} for a short batch, 1 for a full one. At 1 every event's gradient counts
     * {@code 1 / batchSize} whatever the size of its batch; at 0.5, under AdaGrad (which divides by the root of the
     * summed squares), a short batch steps {@code sqrt(rows / batchSize)} as far and adds that share of its squared
     * gradients to the sums: the square-root scaling rule of adaptive methods (Malladi et al. 2022, "On the SDEs and
     * Scaling Rules for Adaptive Gradient Algorithms").
     */
    public double gradientScale(int rows) {
        if (rows >= batchSize || shortBatchExponent == 0) {
            return 1.0;
        }
        return Math.pow((double) rows / batchSize, shortBatchExponent);
    }

    public TrainerSettings withBatchSize(int events) {
        return new TrainerSettings(events, learning, weighting, weightingHalfLifeEvents, thresholds, metricsBins,
                metricsHalfLifeEvents, driftDetection, detectors, shiftMemoryEvents, shiftDetector, negativeSamplingRate,
                labelStacking, warmupEvents, warmupBatchSize, shortBatchExponent);
    }
}
