package dev.ballast.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a usable record: the only exception {@link AvroDeserializer} raises for bad input, so that a
 * stream can route such records to a dead-letter topic and carry on. Registry outages are not bad records and raise
 * a plain {@link SerializationException} instead.
 */
public class BadRecordException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes. */
    public enum Kind {
        /** No bytes at all (null or empty). */
        NOT_AVRO,
        /** The first byte is not the wire format's magic byte 0. */
        WRONG_MAGIC_BYTE,
        /** The registry does not know the schema id in the header. */
        UNKNOWN_SCHEMA_ID,
        /** The bytes end before the header or the record does. */
        TRUNCATED,
        /** The bytes do not follow the writer's schema (bad varint, union or enum index, trailing bytes, ...). */
        MALFORMED,
        /** The writer's schema cannot be resolved against the reader's. */
        INCOMPATIBLE_SCHEMA,
        /** The payload or a collection in it is over the configured size limit. */
        TOO_LARGE
    }

    private final Kind kind;
    private final String reason;

    /** A bad record of {@code kind}; {@code reason} is a short human-readable explanation. */
    public BadRecordException(Kind kind, String reason) {
        super(kind + ": " + reason);
        this.kind = kind;
        this.reason = reason;
    }

    /** As {@link #BadRecordException(Kind, String)}, keeping the underlying failure as the cause. */
    public BadRecordException(Kind kind, String reason, Throwable cause) {
        super(kind + ": " + reason, cause);
        this.kind = kind;
        this.reason = reason;
    }

    /** What was wrong. */
    public Kind kind() {
        return kind;
    }

    /** A short human-readable explanation, e.g. "magic byte 0x7b, expected 0x00". */
    public String reason() {
        return reason;
    }
}
