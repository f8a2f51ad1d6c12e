package dev.ballast.learning;

import java.util.Locale;

/** Model architecture. */
public enum ModelType {
    /** One logistic regression per label over the shared input: {@code sigmoid(x W + b)}. */
    LINEAR,
    /** One hidden ReLU layer shared by all labels: {@code sigmoid(relu(x W1 + b1) W2 + b2)}. */
    MLP;

    /** The name used in configuration and in {@code ModelSnapshot.architecture}: "linear" or "mlp". */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

}
