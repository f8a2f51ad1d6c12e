package dev.ballast.io;

/**
 * The shape of a {@link DriftingStream}.
 *
 * @param featureCount      the input dimension
 * @param labelCount        the number of labels
 * @param seed              fixes the label directions, the prevalence schedule and every sample
 * @param driftPeriodEvents events per prevalence regime: at each multiple, the drifting labels switch level
 * @param minPrevalence     the lowest scheduled prevalence, held throughout by label 0
 * @param maxPrevalence     the highest scheduled prevalence
 * @param labelNoise        the probability that a label ignores the features and is drawn at its prevalence
 * @param sparse            whether rows are {@link Features.Sparse}
 * @param nonZerosPerRow    the non-zero features of a sparse row; ignored for dense rows
 * @param gradual           whether a drifting label's prevalence moves log-linearly from one level to the other over
 *                          each period instead of jumping at its end
 */
public record DriftingStreamSpec(int featureCount, int labelCount, long seed, long driftPeriodEvents,
        double minPrevalence, double maxPrevalence, double labelNoise, boolean sparse, int nonZerosPerRow,
        boolean gradual) {

    public DriftingStreamSpec {
        if (featureCount < 1 || labelCount < 1) {
            throw new IllegalArgumentException("need at least one feature and one label");
        }
        if (driftPeriodEvents < 1) {
            throw new IllegalArgumentException("driftPeriodEvents must be positive: " + driftPeriodEvents);
        }
        if (!(minPrevalence > 0 && minPrevalence <= maxPrevalence && maxPrevalence < 1)) {
            throw new IllegalArgumentException("need 0 < minPrevalence <= maxPrevalence < 1, got "
                    + minPrevalence + " and " + maxPrevalence);
        }
        if (!(labelNoise >= 0 && labelNoise <= 1)) {
            throw new IllegalArgumentException("labelNoise must be in [0, 1]: " + labelNoise);
        }
        if (sparse && (nonZerosPerRow < 1 || nonZerosPerRow > featureCount)) {
            throw new IllegalArgumentException("nonZerosPerRow must be in [1, featureCount]: " + nonZerosPerRow);
        }
    }

    /** A stream whose prevalences jump at the end of each period. */
    public DriftingStreamSpec(int featureCount, int labelCount, long seed, long driftPeriodEvents,
            double minPrevalence, double maxPrevalence, double labelNoise, boolean sparse, int nonZerosPerRow) {
        this(featureCount, labelCount, seed, driftPeriodEvents, minPrevalence, maxPrevalence, labelNoise, sparse,
                nonZerosPerRow, false);
    }

    /**
     * The demo's stream: 30 dense features, 10 labels with prevalences from 0.5% to 30%, the drifting ones moving
     * 10x up or down every 20,000 events, 2% label noise.
     */
    public static DriftingStreamSpec demo() {
        return new DriftingStreamSpec(30, 10, 42L, 20_000, 0.005, 0.30, 0.02, false, 0);
    }
}
