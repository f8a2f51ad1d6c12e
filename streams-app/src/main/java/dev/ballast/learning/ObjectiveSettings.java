package dev.ballast.learning;

/**
 * Which loss a model trains on, and its parameters.
 *
 * @param type the loss
 */
public record ObjectiveSettings(ObjectiveType type) {

    public ObjectiveSettings {
        if (type == null) {
            throw new IllegalArgumentException("the loss type is required");
        }
    }

    /** Weighted binary cross-entropy. */
    public static ObjectiveSettings defaults() {
        return new ObjectiveSettings(ObjectiveType.BCE);
    }

    /** A copy with another loss. */
    public ObjectiveSettings withType(ObjectiveType newType) {
        return new ObjectiveSettings(newType);
    }

    /** The objective these settings describe. */
    Objective create() {
        return type.create(this);
    }
}
