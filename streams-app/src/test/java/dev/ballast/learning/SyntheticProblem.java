package dev.ballast.learning;

import java.util.SplittableRandom;

/**
 * A linearly separable three-label problem over standard normal features: label 0 is {@code x0 + x1 > 0}
 * (~50%), label 1 is {@code x2 - x4 > 0.5} (~36%), label 2 is {@code x3 > 1.88} (~3%, the rare label), each with a margin of 0.1. Features
 * are shifted and scaled per column so that standardisation has work to do.
 */
final class SyntheticProblem {

    static final int FEATURES = 8;
    static final int LABELS = 3;
    static final float MARGIN = 0.1f;

    private final SplittableRandom random;

    SyntheticProblem(long seed) {
        random = new SplittableRandom(seed);
    }

    /** Standard normal features, redrawn while any label's score lies within {@link #MARGIN} of its boundary. */
    float[] nextFeatures() {
        float[] x = new float[FEATURES];
        do {
            for (int j = 0; j < FEATURES; j++) {
                x[j] = (float) gaussian();
            }
        } while (Math.abs(x[0] + x[1]) < MARGIN || Math.abs(x[2] - x[4] - 0.5f) < MARGIN
                || Math.abs(x[3] - 1.88f) < MARGIN);
        return x;
    }

    static float[] targets(float[] x) {
        return new float[] {x[0] + x[1] > 0 ? 1 : 0, x[2] - x[4] > 0.5f ? 1 : 0, x[3] > 1.88f ? 1 : 0};
    }

    /** The features as a trainer sees them: column j is shifted by j and scaled by j + 1. */
    static float[] observed(float[] x) {
        float[] shown = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            shown[j] = x[j] * (j + 1) + j;
        }
        return shown;
    }

    void fill(MiniBatch batch) {
        batch.clear();
        while (!batch.isFull()) {
            float[] x = nextFeatures();
            batch.addDense(observed(x), targets(x), 1f);
        }
    }

    private double gaussian() {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
