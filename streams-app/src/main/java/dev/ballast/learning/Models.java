package dev.ballast.learning;

import java.io.DataInput;
import java.io.IOException;
import java.util.function.Consumer;

/** Creates and restores {@link MultiLabelModel}s. */
public final class Models {

    private Models() {
    }

    /** A fresh model: linear weights start at 0, MLP weights are drawn from the settings' seed. */
    public static MultiLabelModel create(int featureCount, int labelCount, LearningSettings settings) {
        return new FeedForwardModel(featureCount, labelCount, settings);
    }

    /**
     * Restores a model written by {@link MultiLabelModel#writeTo}: its parameters bit-exactly, with the
     * hyper-parameters configured now (a changed optimiser starts its state afresh, said to {@code notices}).
     *
     * @throws IncompatibleStateException when the saved parameters cannot take the configured feature count,
     *     model type or hidden size
     */
    public static MultiLabelModel readFrom(DataInput in, int featureCount, LearningSettings configured,
            Consumer<String> notices) throws IOException {
        return FeedForwardModel.readFrom(in, featureCount, configured, notices);
    }
}
