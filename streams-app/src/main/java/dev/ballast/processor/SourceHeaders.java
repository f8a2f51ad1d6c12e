package dev.ballast.processor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Headers Ballast puts on the records it passes between its own nodes, so that what is known where a record enters
 * reaches the training processor: where the record was in the user's events topic (before a repartition hides it)
 * and whether its timestamp was replaced. They are written only by Ballast; values a producer sets on the events
 * topic are overwritten or ignored (see the users of each).
 */
public final class SourceHeaders {

    /** The events topic the record was read from. */
    public static final String TOPIC = "ballast.source.topic";
    /** Its partition there, 4 bytes big-endian. */
    public static final String PARTITION = "ballast.source.partition";
    /** Its offset there, 8 bytes big-endian. */
    public static final String OFFSET = "ballast.source.offset";
    /** The record's own timestamp, 8 bytes big-endian, when it was negative (missing) and a substitute is used. */
    public static final String INVALID_TIMESTAMP = "ballast.invalid.timestamp";

    /** Where a record was in the events topic. */
    public record Coordinates(String topic, int partition, long offset) {
    }

    private SourceHeaders() {
    }

    /** Records (replacing any a producer set) where the record being re-keyed sits in the events topic. */
    public static void writeCoordinates(Headers headers, String topic, int partition, long offset) {
        headers.remove(TOPIC).remove(PARTITION).remove(OFFSET)
                .add(TOPIC, topic.getBytes(StandardCharsets.UTF_8))
                .add(PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(partition).array())
                .add(OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
    }

    /** The coordinates written by {@link #writeCoordinates}, or null when the headers do not carry all three. */
    public static Coordinates coordinates(Headers headers) {
        Header topic = headers.lastHeader(TOPIC);
        Header partition = headers.lastHeader(PARTITION);
        Header offset = headers.lastHeader(OFFSET);
        if (topic == null || partition == null || offset == null || partition.value() == null
                || partition.value().length != Integer.BYTES || offset.value() == null
                || offset.value().length != Long.BYTES || topic.value() == null) {
            return null;
        }
        return new Coordinates(new String(topic.value(), StandardCharsets.UTF_8),
                ByteBuffer.wrap(partition.value()).getInt(), ByteBuffer.wrap(offset.value()).getLong());
    }

    /** Marks a record whose own timestamp was invalid, replacing any mark a producer set. */
    public static void markInvalidTimestamp(Headers headers, long timestamp) {
        headers.remove(INVALID_TIMESTAMP).add(INVALID_TIMESTAMP, ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array());
    }

    /** The invalid timestamp a record was marked with, or null when it is not marked. */
    public static Long invalidTimestamp(Headers headers) {
        Header mark = headers.lastHeader(INVALID_TIMESTAMP);
        return mark == null || mark.value() == null || mark.value().length != Long.BYTES ? null
                : ByteBuffer.wrap(mark.value()).getLong();
    }
}
