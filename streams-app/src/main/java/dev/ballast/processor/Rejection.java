package dev.ballast.processor;

/**
 * Why an event cannot be used.
 *
 * @param kind machine-readable kind, as in {@code DeadLetter.errorKind}
 * @param reason readable reason naming the offending value
 */
public record Rejection(String kind, String reason) {

    public static final String DESERIALIZATION = "DESERIALIZATION";
    public static final String DIMENSION = "DIMENSION";
    public static final String NON_FINITE = "NON_FINITE";
    public static final String UNKNOWN_LABEL = "UNKNOWN_LABEL";
    public static final String NEGATIVE_WEIGHT = "NEGATIVE_WEIGHT";
    public static final String UNKNOWN_MODEL = "UNKNOWN_MODEL";
    public static final String INVALID = "INVALID";
    /** The record timestamp is negative (missing) and {@code ballast.events.invalid.timestamp=dead-letter}. */
    public static final String INVALID_TIMESTAMP = "INVALID_TIMESTAMP";
    /** Larger than {@code ballast.event.max.bytes}, so not re-keyed through the repartition topic. */
    public static final String OVERSIZE = "OVERSIZE";
    /** An output the input led to could not be serialised. */
    public static final String SERIALIZATION = "SERIALIZATION";
    /** An output the input led to was refused by the producer or the broker. */
    public static final String PRODUCTION = "PRODUCTION";
    /** A label whose event never came within {@code ballast.labels.max.delay.ms}. */
    public static final String ORPHAN_LABEL = "ORPHAN_LABEL";
    /** A second label for an event, or a second unlabelled event with the same id: the first is kept. */
    public static final String DUPLICATE = "DUPLICATE";
    /** The event's model stopped training after its trainer threw (see {@code ModelStore}); re-send it once fixed. */
    public static final String MODEL_FAILED = "MODEL_FAILED";
}
