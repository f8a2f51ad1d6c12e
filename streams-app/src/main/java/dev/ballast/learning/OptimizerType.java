package dev.ballast.learning;

import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/** Optimiser used by {@link MultiLabelModel#learn}: the registry of {@link Optimiser} classes. */
public enum OptimizerType {
    /** Stochastic gradient descent, with heavy-ball momentum when {@link LearningSettings#momentum()} &gt; 0. */
    SGD(Optimiser.Sgd::new),
    /** AdaGrad: per-parameter steps scaled by the root of the accumulated squared gradients. */
    ADAGRAD(Optimiser.AdaGrad::new),
    /** Adam with beta1 0.9, beta2 0.999, epsilon 1e-8 and bias correction. */
    ADAM(Optimiser.Adam::new);

    private final BiFunction<LearningSettings, List<Parameter>, Optimiser> factory;

    OptimizerType(BiFunction<LearningSettings, List<Parameter>, Optimiser> factory) {
        this.factory = factory;
    }

    Optimiser create(LearningSettings settings, List<Parameter> parameters) {
        return factory.apply(settings, parameters);
    }

    /** The name used in configuration: "sgd", "adagrad" or "adam". */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
