package dev.ballast.learning;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Running per-feature mean and variance (Welford, float64 so that no finite float32 input overflows it),
 * exposed as the float32 {@code featureMean} and {@code featureScale} in force. See {@link MultiLabelModel}.
 */
final class Standardiser {

    private static final double VARIANCE_FLOOR = 1e-8;

    private final double[] mean;
    private final double[] sumSquaredDeviations;
    private final float[] meanInForce;
    private final float[] scaleInForce;
    private long count;

    Standardiser(int featureCount) {
        mean = new double[featureCount];
        sumSquaredDeviations = new double[featureCount];
        meanInForce = new float[featureCount];
        scaleInForce = new float[featureCount];
        Arrays.fill(scaleInForce, 1f);
    }

    /** Adds the batch's dense rows to the statistics. */
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
            count++;
            // One division per row, not per feature: a tenth of a training step went to the divisions.
            double weight = 1.0 / count;
            int offset = row * featureCount;
            for (int j = 0; j < featureCount; j++) {
                double x = features[offset + j];
                double delta = x - mean[j];
                mean[j] += delta * weight;
                sumSquaredDeviations[j] += delta * (x - mean[j]);
            }
        }
        refresh();
    }

    private void refresh() {
        for (int j = 0; j < mean.length; j++) {
            meanInForce[j] = (float) mean[j];
            scaleInForce[j] = count < 2 ? 1f : (float) (1 / Math.sqrt(sumSquaredDeviations[j] / count + VARIANCE_FLOOR));
        }
    }

    /** Whether two dense rows were seen: before that the scale is 1 and the mean 0 (no standardisation). */
    boolean hasStatistics() {
        return count >= 2;
    }

    float[] meanInForce() {
        return meanInForce;
    }

    float[] scaleInForce() {
        return scaleInForce;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(count);
        for (int j = 0; j < mean.length; j++) {
            out.writeDouble(mean[j]);
            out.writeDouble(sumSquaredDeviations[j]);
        }
    }

    void readFrom(DataInput in) throws IOException {
        count = in.readLong();
        for (int j = 0; j < mean.length; j++) {
            mean[j] = in.readDouble();
            sumSquaredDeviations[j] = in.readDouble();
        }
        if (count > 0) {
            refresh();
        }
    }
}
