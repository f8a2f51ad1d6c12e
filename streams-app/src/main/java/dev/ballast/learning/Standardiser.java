package dev.ballast.learning;

import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedSparseScale;
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
 * <p>Sparse rows are scaled, never centred (centring would make them dense): each feature by the root of its decayed
 * mean square over the sparse rows, the rows that do not list it counting as 0, as scikit-learn's
 * {@code StandardScaler(with_mean=False)} does. A feature present in a fraction f of the rows with values near v is
 * scaled to about {@code 1/(v sqrt(f))}, so the gradients of rare features reach the size a standardised dense feature's
 * have, and one learning rate and one AdaGrad starting sum suit both kinds of input. Two guards keep a rare feature
 * from being blown up: its mean square is estimated with {@link #SPARSE_PRIOR_ROWS} rows' weight of an average
 * feature's (the share of values each feature would have if all were alike, at the mean square of all values), and
 * no scale makes the root mean square of all values exceed {@link #SPARSE_MAX_SCALED} (as the dense clip does). And
 * one extreme value is kept from shrinking every scale: a value enters the statistics clipped at
 * {@link #SPARSE_CLIP} times the root mean square of all values, and the model sees it clipped there too
 * ({@link #sparseClip}), so one extreme sparse value moves the model by a bounded step, as a dense one does. Each
 * feature's scale is refreshed when a batch lists it, so a batch costs its own values, not the feature count. The
 * sparse statistics set the scale only while the model has seen fewer than two dense rows; after that the dense
 * rows' deviations scale both kinds, as before.
 *
 * <p>Saved as the row count, then per feature the mean and the decayed sum of squared deviations, and the sparse
 * rows' statistics; the weight of the rows follows from their count and the half-life configured at the restore.
 */
final class Standardiser {

    /** Rows before clipping starts: the variance of fewer rows is too uncertain to clip against. */
    static final long WARM_UP_ROWS = 16;

    /**
     * The weight, in rows, of the average feature's mean square in a sparse feature's estimate: a feature listed in
     * fewer rows than this is scaled mostly as the average one, so a word seen once is not scaled as if it were
     * that rare for good.
     */
    static final double SPARSE_PRIOR_ROWS = 100;
    /**
     * The most the scaled root mean square of all sparse values may be. On the sparse drifting stream 3 (the dense
     * clip's default) gave 0.628 at the default learning rate, against 0.618 with 2 and 0.623 with 10.
     */
    static final double SPARSE_MAX_SCALED = 3;
    /**
     * A sparse value enters the statistics clipped at this many times the root mean square of all values (after
     * {@link #WARM_UP_ROWS} sparse rows). A unit-norm row of 20 values, the most uneven, holds at most 4.5 times.
     */
    static final double SPARSE_CLIP = 10;
    /** When the inflated sparse sums reach this, they are brought back to scale (rarely: 2^332 rows' decay). */
    private static final double INFLATION_LIMIT = 1e100;
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

    /**
     * Per feature, the decayed sum of its squared values over the sparse rows, times {@link #inflation}: decaying
     * every feature at every row would cost the feature count per row, so a new value is inflated instead.
     */
    private final double[] sparseSquares;
    /** {@code rowDecay^-(sparse rows)} since the sums were last brought to scale. */
    private double inflation = 1;
    private long sparseRows;
    /** The decayed count of values the sparse rows listed, and the decayed sum of their squares. */
    private double sparseValueWeight;
    private double sparseValueSquares;
    /** False for a model an earlier release trained on unscaled sparse rows: see {@link #keepSparseRowsUnscaled}. */
    private boolean scalesSparseRows = true;

    Standardiser(int featureCount, StandardiserSettings settings) {
        decay = settings.rowDecay();
        clipDeviations = settings.clipDeviations();
        mean = new double[featureCount];
        sumSquaredDeviations = new double[featureCount];
        meanInForce = new float[featureCount];
        scaleInForce = new float[featureCount];
        Arrays.fill(scaleInForce, 1f);
        sparseSquares = new double[featureCount];
    }

    /**
     * Adds the batch's dense rows to the statistics, each value clipped once the warm-up is over, and, while no dense
     * statistics exist, its sparse rows to theirs.
     */
    void update(MiniBatch batch) {
        if (batch.hasSparseRows() && !hasStatistics() && scalesSparseRows) {
            updateSparse(batch);
        }
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

    /**
     * Leaves sparse rows unscaled from now on: for a model whose weights were learned on unscaled sparse rows (saved
     * before sparse rows were scaled), where scaling them now would multiply what each feature adds to the logits.
     */
    void keepSparseRowsUnscaled() {
        scalesSparseRows = false;
    }

    boolean scalesSparseRows() {
        return scalesSparseRows;
    }

    private void updateSparse(MiniBatch batch) {
        boolean[] sparse = batch.sparseRows();
        int[] start = batch.sparseStart();
        int[] indices = batch.sparseIndices();
        float[] values = batch.sparseValues();
        for (int row = 0; row < batch.size(); row++) {
            if (!sparse[row]) {
                continue;
            }
            // Past the warm-up, a value enters the statistics clipped at SPARSE_CLIP times the root mean square of
            // all values, so that one extreme value cannot shrink every feature's bound, or its own scale for long.
            double limit = sparseRows >= WARM_UP_ROWS && sparseValueSquares > 0
                    ? SPARSE_CLIP * SPARSE_CLIP * sparseValueSquares / sparseValueWeight : Double.POSITIVE_INFINITY;
            sparseRows++;
            inflation /= decay;
            double rowSquares = 0;
            for (int k = start[row]; k < start[row + 1]; k++) {
                double square = Math.min((double) values[k] * values[k], limit);
                sparseSquares[indices[k]] += square * inflation;
                rowSquares += square;
            }
            sparseValueWeight = decay * sparseValueWeight + (start[row + 1] - start[row]);
            sparseValueSquares = decay * sparseValueSquares + rowSquares;
            if (inflation > INFLATION_LIMIT) {
                deflate();
            }
        }
        if (!(sparseValueSquares > 0)) {
            return;
        }
        // The mean square is (sums[j] / inflation + prior) / (rows' weight + prior rows), the prior the average
        // feature's share of the values times their mean square; the bound caps the scale of every feature alike.
        double averageSquare = sparseValueSquares / sparseValueWeight;
        double rowWeight = weightSumOf(sparseRows);
        double prior = SPARSE_PRIOR_ROWS * sparseValueWeight / (rowWeight * mean.length) * averageSquare;
        double perInflatedSum = 1 / (inflation * (rowWeight + SPARSE_PRIOR_ROWS));
        double priorMeanSquare = prior / (rowWeight + SPARSE_PRIOR_ROWS) + VARIANCE_FLOOR;
        double bound = SPARSE_MAX_SCALED / Math.sqrt(averageSquare + VARIANCE_FLOOR);
        for (int row = 0; row < batch.size(); row++) {
            if (sparse[row]) {
                for (int k = start[row]; k < start[row + 1]; k++) {
                    int feature = indices[k];
                    double meanSquare = sparseSquares[feature] * perInflatedSum + priorMeanSquare;
                    scaleInForce[feature] = (float) Math.min(1 / Math.sqrt(meanSquare), bound);
                }
            }
        }
    }

    /**
     * The magnitude a sparse value is clipped at before it is scaled, published as {@code sparseClip} so that a
     * client predicts as the trainer does: {@link #SPARSE_CLIP} times the root mean square of all sparse values, the
     * statistics' own clip, once {@link #WARM_UP_ROWS} sparse rows were seen; {@link Float#MAX_VALUE} (no bound)
     * before that, for a model scaled by dense rows, or for one that keeps sparse rows unscaled.
     */
    float sparseClip() {
        return sparseRows > WARM_UP_ROWS && sparseValueSquares > 0
                ? (float) (SPARSE_CLIP * Math.sqrt(sparseValueSquares / sparseValueWeight)) : Float.MAX_VALUE;
    }

    private void deflate() {
        for (int j = 0; j < sparseSquares.length; j++) {
            sparseSquares[j] /= inflation;
        }
        inflation = 1;
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

    /** The statistics as a saved-state record (the sparse sums are brought to scale first, which changes no scale). */
    SavedStandardiser toSaved() {
        return new SavedStandardiser(count, SavedArrays.doubles(mean), SavedArrays.doubles(sumSquaredDeviations),
                sparseRows == 0 ? null : sparseToSaved());
    }

    private SavedSparseScale sparseToSaved() {
        // Brought to scale here, not only in the copy: a restored standardiser starts from these very sums, so the
        // one that was saved must go on from them too for the two to stay equal bit for bit.
        deflate();
        // The scales in force are saved, not recomputed at the restore: each was computed when a batch last listed
        // its feature, and the model's weights were learned with it.
        return new SavedSparseScale(sparseRows, sparseValueWeight, sparseValueSquares,
                SavedArrays.doubles(sparseSquares), SavedArrays.floats(scaleInForce));
    }

    /** Takes the statistics of {@link #toSaved}'s record; from now on they decay with this standardiser's half-life. */
    void restore(SavedStandardiser saved) {
        count = saved.getRows();
        weightSum = weightSumOf(count);
        SavedArrays.copy(saved.getMean(), mean, "standardiser mean");
        SavedArrays.copy(saved.getSumSquaredDeviations(), sumSquaredDeviations, "standardiser sums");
        SavedSparseScale sparse = saved.getSparse();
        if (sparse != null) {
            sparseRows = sparse.getRows();
            sparseValueWeight = sparse.getValueWeight();
            sparseValueSquares = sparse.getValueSquares();
            inflation = 1;
            SavedArrays.copy(sparse.getSquares(), sparseSquares, "standardiser sparse sums");
            SavedArrays.copy(sparse.getScales(), scaleInForce, "standardiser sparse scales");
        }
        if (count > 0) {
            refresh();
        }
    }
}
