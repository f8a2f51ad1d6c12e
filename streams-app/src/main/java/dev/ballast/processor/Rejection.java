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
}
