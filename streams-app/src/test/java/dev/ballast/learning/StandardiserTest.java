package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.schema.state.SavedStandardiser;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StandardiserTest {

    private static final int FEATURES = 6;
    private static final StandardiserSettings SETTINGS = new StandardiserSettings(50, 3);

    /**
     * The standardiser skips the bound's square root for values that are surely inside it; its moments must be the
     * ones of clipping every value at the bound as its documentation states, bit for bit, also for values planted
     * a few float64 ulps either side of the bound and for extreme outliers.
     */
    @Test
    void shouldClipExactlyAtTheBoundWhenValuesLieAtItsEdge() {
        Standardiser standardiser = new Standardiser(FEATURES, SETTINGS);
        Reference reference = new Reference();
        SplittableRandom random = new SplittableRandom(11);
        int clipped = 0;
        for (int batch = 0; batch < 60; batch++) {
            MiniBatch rows = new MiniBatch(8, FEATURES, 1);
            for (int row = 0; row < 8; row++) {
                float[] values = new float[FEATURES];
                for (int j = 0; j < FEATURES; j++) {
                    values[j] = (float) (100 * j + (1 + j) * random.nextGaussian());
                }
                if (reference.count > Standardiser.WARM_UP_ROWS) {
                    // Right at the edge: the float nearest to mean +- bound, and its neighbours.
                    int j = random.nextInt(FEATURES);
                    double bound = reference.bound(j);
                    float edge = (float) (reference.mean[j] + (random.nextBoolean() ? bound : -bound));
                    values[j] = switch (random.nextInt(3)) {
                        case 0 -> edge;
                        case 1 -> Math.nextUp(edge);
                        default -> Math.nextDown(edge);
                    };
                    if (random.nextInt(10) == 0) {
                        values[(j + 1) % FEATURES] = random.nextBoolean() ? 1e30f : -1e30f;
                    }
                }
                clipped += reference.add(values);
                rows.addDense(values, new float[1], 1f);
            }
            standardiser.update(rows);
        }

        assertTrue(clipped > 100, "the rows must test the clipping, clipped " + clipped);
        SavedStandardiser state = standardiser.toSaved();
        assertEquals(reference.count, state.getRows());
        for (int j = 0; j < FEATURES; j++) {
            assertEquals(Double.doubleToRawLongBits(reference.mean[j]),
                    Double.doubleToRawLongBits(state.getMean().get(j)), "mean of feature " + j);
            assertEquals(Double.doubleToRawLongBits(reference.sumSquaredDeviations[j]),
                    Double.doubleToRawLongBits(state.getSumSquaredDeviations().get(j)),
                    "sum of squared deviations of feature " + j);
        }
    }

    /** The decayed, clipped Welford update as the class documentation states it: the bound of every value computed. */
    private static final class Reference {
        private final double decay = SETTINGS.rowDecay();
        private final double[] mean = new double[FEATURES];
        private final double[] sumSquaredDeviations = new double[FEATURES];
        private long count;
        private double weightSum;

        double bound(int j) {
            return SETTINGS.clipDeviations() * Math.sqrt(sumSquaredDeviations[j] / weightSum + 1e-8);
        }

        /** Adds a row; returns how many of its values were clipped. */
        int add(float[] values) {
            boolean clipping = count >= Standardiser.WARM_UP_ROWS;
            double previousWeightSum = weightSum;
            count++;
            weightSum = StandardiserSettings.weightOfRows(decay, count);
            int clipped = 0;
            for (int j = 0; j < FEATURES; j++) {
                double x = values[j];
                if (clipping) {
                    double bound = SETTINGS.clipDeviations()
                            * Math.sqrt(sumSquaredDeviations[j] / previousWeightSum + 1e-8);
                    double clippedValue = Math.max(mean[j] - bound, Math.min(mean[j] + bound, x));
                    clipped += clippedValue != x ? 1 : 0;
                    x = clippedValue;
                }
                double delta = x - mean[j];
                mean[j] += delta * (1.0 / weightSum);
                sumSquaredDeviations[j] = decay * sumSquaredDeviations[j] + delta * (x - mean[j]);
            }
            return clipped;
        }
    }
}
