package dev.ballast.learning;

import java.io.DataInput;
import java.io.IOException;

/** Creates and restores {@link MultiLabelModel}s. */
public final class Models {

    private Models() {
    }

    /** A fresh model: linear weights start at 0, MLP weights are drawn from the settings' seed. */
    public static MultiLabelModel create(int featureCount, int labelCount, LearningSettings settings) {
        return new FeedForwardModel(featureCount, labelCount, settings);
    }

    /** Restores a model written by {@link MultiLabelModel#writeTo}, bit-exactly. */
    public static MultiLabelModel readFrom(DataInput in) throws IOException {
        return FeedForwardModel.readFrom(in);
    }
}
