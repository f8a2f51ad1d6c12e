package dev.ballast.learning;

import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedStandardiser;
import java.util.Arrays;

/**
 * Per-feature mean and variance that forget and resist outliers, exposed as the float32 {@code featureMean} and
 * {@code featureScale} in force. See {@link MultiLabelModel}.
 *
 * <p>Forgetting: each row's weight halves every {@link StandardiserSettings#halfLifeRows} rows (exponentially
 * weighted Welford, in float64 so that no finite float32 input overflows it), so the scale follows a drifting input
 * and an extreme row that got in is forgotten. Resisting: once {@link #WARM_UP_ROWS} rows have been seen, each value
 * of a row is clipped at {@link StandardiserSettings#clipDeviations} standard deviations from the mean before it
 * updates the moments, and the model clips each standardised input at the same bound ({@link #clipBound}), so one
 * row, however extreme, moves the moments by a bounded amount and the model by one bounded step. The warm-up exists
 * because the first rows have no variance to clip against: an outlier among them is taken as it is and forgotten
 * with the half-life.
 *
 * <p>Saved as the row count, then per feature the mean and the decayed sum of squared deviations; the weight of the
 * rows follows from their count and the half-life configured at the restore.
 */
final class Standardiser {

    /** Rows before clipping starts: the variance of fewer rows is too uncertain to clip against. */
    static final long WARM_UP_ROWS = 16;

    private static final double VARIANCE_FLOOR = 1e-8;
    /** Narrows the squared clipping test far beyond float64 rounding (about 1e-16 per operation). */
    private static final double SURELY_INSIDE = 1 - 1e-9;
    /** A row's weight relative to the next one's: {@link StandardiserSettings#rowDecay}. */
    private final double decay;
    private final double clipDeviations;

    private final double[] mean;
    private final double[] sumSquaredDeviations;
    private final float[] meanInForce;
    private final float[] scaleInForce;
    private long count;
    /** The decayed weight of the rows seen: {@link #weightSumOf} the count. */
    private double weightSum;

    Standardiser(int featureCount, StandardiserSettings settings) {
        decay = settings.rowDecay();
        clipDeviations = settings.clipDeviations();
        mean = new double[featureCount];
        sumSquaredDeviations = new double[featureCount];
        meanInForce = new float[featureCount];
        scaleInForce = new float[featureCount];
        Arrays.fill(scaleInForce, 1f);
    }

    /** Adds the batch's dense rows to the statistics, each value clipped once the warm-up is over. */
    void update(MiniBatch batch) {
        if (!batch.hasDenseRows()) {
            return;
        }
        int featureCount = mean.length;
        float[] features = batch.denseFeatures();
        boolean[] sparseRows = batch.sparseRows();
        for (int row = 0; row < batch.size(); row++) {
            if (sparseRows[row]) {
                continue;
            }
            boolean clipping = count >= WARM_UP_ROWS && clipDeviations < Double.POSITIVE_INFINITY;
            double previousWeightSum = weightSum;
            count++;
            weightSum = weightSumOf(count);
            // One division per row, not per feature: a tenth of a training step went to the divisions.
            double weight = 1.0 / weightSum;
            // The bound's square root and division are taken only for a value that may lie beyond it: the test
            // |x - mean|^2 * w < clip^2 * (sum + floor * w) (w the previous weight sum) is the bound's, squared and
            // multiplied out, narrowed by SURELY_INSIDE so that no rounding lets a value it passes be one the exact
            // bound would clip. Per value, a sqrt and a division took a seventh of a dense training step.
            double insideLimit = SURELY_INSIDE * clipDeviations * clipDeviations;
            double floorTimesWeight = VARIANCE_FLOOR * previousWeightSum;
            int offset = row * featureCount;
            for (int j = 0; j < featureCount; j++) {
                double x = features[offset + j];
                if (clipping) {
                    double deviation = x - mean[j];
                    if (deviation * deviation * previousWeightSum
                            >= insideLimit * (sumSquaredDeviations[j] + floorTimesWeight)) {
                        double bound = clipDeviations
                                * Math.sqrt(sumSquaredDeviations[j] / previousWeightSum + VARIANCE_FLOOR);
                        x = Math.max(mean[j] - bound, Math.min(mean[j] + bound, x));
                    }
                }
                double delta = x - mean[j];
                mean[j] += delta * weight;
                sumSquaredDeviations[j] = decay * sumSquaredDeviations[j] + delta * (x - mean[j]);
            }
        }
        refresh();
    }

    private double weightSumOf(long rows) {
        return StandardiserSettings.weightOfRows(decay, rows);
    }

    private void refresh() {
        for (int j = 0; j < mean.length; j++) {
            meanInForce[j] = (float) mean[j];
            scaleInForce[j] = count < 2 ? 1f : (float) (1 / Math.sqrt(sumSquaredDeviations[j] / weightSum + VARIANCE_FLOOR));
        }
    }

    /** Whether two dense rows were seen: before that the scale is 1 and the mean 0 (no standardisation). */
    boolean hasStatistics() {
        return count >= 2;
    }

    /**
     * The bound a standardised dense input is clipped at, published as {@code featureClip} so that a client predicts
     * as the trainer does: {@link Float#MAX_VALUE} (a finite "no bound") during the warm-up or with clipping off.
     */
    float clipBound() {
        return count > WARM_UP_ROWS && clipDeviations < Float.MAX_VALUE ? (float) clipDeviations : Float.MAX_VALUE;
    }

    float[] meanInForce() {
        return meanInForce;
    }

    float[] scaleInForce() {
        return scaleInForce;
    }

    SavedStandardiser toSaved() {
        return new SavedStandardiser(count, SavedArrays.doubles(mean), SavedArrays.doubles(sumSquaredDeviations));
    }

    /** Takes the statistics of {@link #toSaved}'s record; from now on they decay with this standardiser's half-life. */
    void restore(SavedStandardiser saved) {
        count = saved.getRows();
        weightSum = weightSumOf(count);
        SavedArrays.copy(saved.getMean(), mean, "standardiser mean");
        SavedArrays.copy(saved.getSumSquaredDeviations(), sumSquaredDeviations, "standardiser sums");
        if (count > 0) {
            refresh();
        }
    }
}
