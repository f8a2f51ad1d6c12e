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

    /** Parses a configuration name, case-insensitively. */
    public static OptimizerType fromConfigName(String name) {
        for (OptimizerType type : values()) {
            if (type.configName().equalsIgnoreCase(name.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown optimizer '" + name + "'; expected sgd, adagrad or adam");
    }
}
