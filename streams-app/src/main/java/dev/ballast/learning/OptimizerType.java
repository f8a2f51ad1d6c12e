package dev.ballast.learning;

import java.util.Locale;

/** Optimiser used by {@link MultiLabelModel#learn}. */
public enum OptimizerType {
    /** Stochastic gradient descent, with heavy-ball momentum when {@link LearningSettings#momentum()} &gt; 0. */
    SGD,
    /** AdaGrad: per-parameter steps scaled by the root of the accumulated squared gradients. */
    ADAGRAD,
    /** Adam with beta1 0.9, beta2 0.999, epsilon 1e-8 and bias correction. */
    ADAM;

    /** The name used in configuration: "sgd", "adagrad" or "adam". */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

}
