package dev.ballast.learning;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/** The registry of {@link Objective}s: the loss a model trains on. */
public enum ObjectiveType {
    /** Weighted binary cross-entropy, {@link WeightedBinaryCrossEntropy}. */
    BCE(settings -> new WeightedBinaryCrossEntropy()),
    /** Focal loss, {@link FocalLoss}, focusing {@link ObjectiveSettings#focalGamma()}. */
    FOCAL(settings -> new FocalLoss(settings.focalGamma())),
    /** Asymmetric loss, {@link AsymmetricLoss}. */
    ASL(settings -> new AsymmetricLoss(settings.aslPositiveGamma(), settings.aslNegativeGamma(), settings.aslMargin()));

    private final Function<ObjectiveSettings, Objective> factory;

    ObjectiveType(Function<ObjectiveSettings, Objective> factory) {
        this.factory = factory;
    }

    Objective create(ObjectiveSettings settings) {
        return factory.apply(settings);
    }

    /** The name used in configuration, lower case with hyphens. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a configuration name, case-insensitively. */
    public static ObjectiveType fromConfigName(String name) {
        for (ObjectiveType type : values()) {
            if (type.configName().equalsIgnoreCase(name.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown loss '" + name + "'; expected one of "
                + Arrays.stream(values()).map(ObjectiveType::configName).toList());
    }
}
