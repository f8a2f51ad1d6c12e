package dev.ballast.learning;

import dev.ballast.schema.state.SavedModel;
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
     * The model for another label list: output {@code l} is the model's output {@code source[l]}, or a new output
     * (zero weights, bias from its prior at the next batch) where {@code source[l]} is -1.
     */
    public static MultiLabelModel withLabels(MultiLabelModel model, int[] source) {
        return ((FeedForwardModel) model).withLabels(source);
    }

    /** The model's state as a saved-state record (hyper-parameters are not in it: see {@link #fromSaved}). */
    public static SavedModel toSaved(MultiLabelModel model) {
        return ((FeedForwardModel) model).toSaved();
    }

    /**
     * Restores a model from {@link #toSaved}'s record: its parameters bit-exactly, with the hyper-parameters
     * configured now (a changed optimiser starts its state afresh, said to {@code notices}).
     *
     * @throws IncompatibleStateException when the saved parameters cannot take the configured feature count,
     *     model type or hidden size
     */
    public static MultiLabelModel fromSaved(SavedModel saved, int featureCount, LearningSettings configured,
            Consumer<String> notices) throws IOException {
        return FeedForwardModel.fromSaved(saved, featureCount, configured, notices);
    }
}
