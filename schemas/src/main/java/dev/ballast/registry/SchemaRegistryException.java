package dev.ballast.registry;

/**
 * The Schema Registry refused a request or could not be reached.
 *
 * <p>When the registry answered, {@link #httpStatus()} is its HTTP status and {@link #errorCode()} the
 * {@code error_code} of its JSON error body (for example 40401 subject not found, 40403 schema not found, 409
 * incompatible schema, 42201 invalid schema). When no answer came, both are {@link #NO_RESPONSE} and the message
 * is one readable line saying why. Messages never contain credentials.
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The value of {@link #httpStatus()} and {@link #errorCode()} when the registry did not answer. */
    public static final int NO_RESPONSE = 0;

    /** Confluent's error code for an unknown subject. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent's error code for an unknown version of a subject. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent's error code for an unknown schema (by id, or under a subject). */
    public static final int SCHEMA_NOT_FOUND = 40403;

    private final int httpStatus;
    private final int errorCode;

    /** An error answer from the registry. */
    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** No answer from the registry; {@code message} says why, on one line. */
    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = NO_RESPONSE;
        this.errorCode = NO_RESPONSE;
    }

    /** The HTTP status of the registry's answer, or {@link #NO_RESPONSE}. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code}, or {@link #NO_RESPONSE}. */
    public int errorCode() {
        return errorCode;
    }

    /** Whether the registry could not be reached at all (as opposed to answering with an error). */
    public boolean isUnreachable() {
        return httpStatus == NO_RESPONSE;
    }
}
