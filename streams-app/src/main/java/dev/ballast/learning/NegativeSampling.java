package dev.ballast.learning;

/**
 * Negative undersampling with importance correction, per label: each negative (row, label) pair is kept with
 * probability {@code rate} and then weighted {@code 1 / rate}, otherwise it adds nothing to the step; positives
 * are always kept with weight 1. The expected gradient is the full one (each negative's weight is 1 in
 * expectation); the realised step sees fewer negatives, whose weight is larger. Unlike River's
 * {@code imblearn.RandomUnderSampler}, which drops examples to reach a desired class distribution and learns the
 * kept ones unweighted, the kept negatives here carry the correction, so the model still estimates the
 * prevalences it was given.
 *
 * <p>The draw of a pair is a hash of the seed, the event's position in the stream and the label, not the state of
 * a random generator: a replay of the same events after a restart draws the same pairs.
 */
public final class NegativeSampling {

    private final double rate;
    private final long seed;
    private final float keptWeight;

    /**
     * @param rate share of negatives kept, in (0, 1]; 1 keeps all of them (no sampling)
     * @param seed seed of the draws
     */
    public NegativeSampling(double rate, long seed) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("rate must be in (0, 1], got " + rate);
        }
        this.rate = rate;
        this.seed = seed;
        this.keptWeight = (float) (1 / rate);
    }

    public double rate() {
        return rate;
    }

    /**
     * Per element of {@code rows} rows of {@code labels} targets (row-major), its weight into {@code weightsOut}:
     * 1 for a positive, {@code 1/rate} or 0 for a negative.
     *
     * @param firstEvent the stream position of the first row (events trained before it)
     */
    public void weights(float[] targets, int rows, int labels, long firstEvent, float[] weightsOut) {
        for (int row = 0; row < rows; row++) {
            long event = firstEvent + row;
            for (int label = 0; label < labels; label++) {
                int i = row * labels + label;
                weightsOut[i] = targets[i] > 0 ? 1f : (uniform(event, label) < rate ? keptWeight : 0f);
            }
        }
    }

    /** A uniform draw in [0, 1) from the seed, the event and the label (SplitMix64's finaliser). */
    private double uniform(long event, int label) {
        long z = seed + event * 0x9E3779B97F4A7C15L + (label + 1) * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
