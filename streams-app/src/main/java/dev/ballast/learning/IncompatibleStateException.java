package dev.ballast.learning;

/**
 * A saved model cannot be restored under the settings configured now: a change its parameters cannot absorb
 * (another feature count, model type, hidden size, or a label taken away). The ways out are a new model id, or
 * deleting the saved model so that it starts afresh.
 */
public final class IncompatibleStateException extends IllegalStateException {

    /** What differs between the saved model and the configuration. */
    public enum Aspect {
        FEATURE_COUNT, MODEL_TYPE, HIDDEN_UNITS, LABELS
    }

    private final Aspect aspect;
    private final String saved;
    private final String configured;

    public IncompatibleStateException(Aspect aspect, String saved, String configured) {
        super("the saved model has " + describe(aspect) + " " + saved + ", the configuration " + configured);
        this.aspect = aspect;
        this.saved = saved;
        this.configured = configured;
    }

    private static String describe(Aspect aspect) {
        return switch (aspect) {
            case FEATURE_COUNT -> "feature count";
            case MODEL_TYPE -> "model type";
            case HIDDEN_UNITS -> "hidden units";
            case LABELS -> "labels";
        };
    }

    public Aspect aspect() {
        return aspect;
    }

    public String saved() {
        return saved;
    }

    public String configured() {
        return configured;
    }
}
