package dev.ballast.embedded;

import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Malformed records of every kind Ballast must dead-letter, for {@code ballast produce --bad-records} and the
 * fault tests. Each is either raw bytes (undecodable) or a decodable event that fails validation.
 */
public final class BadRecords {

    /** Which kind of malformation, and whether it is caught by decoding or by validation. */
    public enum Kind {
        NOT_AVRO(true), WRONG_MAGIC_BYTE(true), UNKNOWN_SCHEMA_ID(true), TRUNCATED(true),
        WRONG_DIMENSION(false), NON_FINITE(false), UNKNOWN_LABEL(false), NEGATIVE_WEIGHT(false), UNKNOWN_MODEL(false);

        private final boolean undecodable;

        Kind(boolean undecodable) {
            this.undecodable = undecodable;
        }

        public boolean undecodable() {
            return undecodable;
        }
    }

    /** A bad record: raw value bytes for undecodable kinds, else an event. */
    public record BadRecord(Kind kind, byte[] rawValue, LabelledEvent event) {
    }

    private BadRecords() {
    }

    /**
     * @param count how many, cycling through every kind
     * @param valid a valid event to corrupt
     * @param encode encodes an event in the wire format (for truncation and byte-level corruption)
     */
    public static List<BadRecord> make(int count, LabelledEvent valid, Function<LabelledEvent, byte[]> encode) {
        Kind[] kinds = Kind.values();
        List<BadRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(make(kinds[i % kinds.length], valid, encode, i));
        }
        return records;
    }

    static BadRecord make(Kind kind, LabelledEvent valid, Function<LabelledEvent, byte[]> encode, int sequence) {
        LabelledEvent event = LabelledEvent.newBuilder(valid).setId("bad-" + kind.name().toLowerCase() + "-" + sequence)
                .setEventTime(Instant.now()).build();
        byte[] encoded = encode.apply(event);
        return switch (kind) {
            case NOT_AVRO -> new BadRecord(kind, ("{\"not\":\"avro\",\"n\":" + sequence + "}").getBytes(StandardCharsets.UTF_8), null);
            case WRONG_MAGIC_BYTE -> {
                byte[] bytes = encoded.clone();
                bytes[0] = 7;
                yield new BadRecord(kind, bytes, null);
            }
            case UNKNOWN_SCHEMA_ID -> {
                byte[] bytes = encoded.clone();
                ByteBuffer.wrap(bytes, 1, 4).putInt(1_000_000 + sequence);
                yield new BadRecord(kind, bytes, null);
            }
            case TRUNCATED -> new BadRecord(kind, java.util.Arrays.copyOf(encoded, Math.max(6, encoded.length / 2)), null);
            case WRONG_DIMENSION -> {
                DenseFeatures features = (DenseFeatures) event.getFeatures();
                List<Float> shorter = new ArrayList<>(features.getValues());
                shorter.remove(shorter.size() - 1);
                yield new BadRecord(kind, null, LabelledEvent.newBuilder(event).setFeatures(new DenseFeatures(shorter)).build());
            }
            case NON_FINITE -> {
                DenseFeatures features = (DenseFeatures) event.getFeatures();
                List<Float> values = new ArrayList<>(features.getValues());
                values.set(0, Float.NaN);
                yield new BadRecord(kind, null, LabelledEvent.newBuilder(event).setFeatures(new DenseFeatures(values)).build());
            }
            case UNKNOWN_LABEL -> new BadRecord(kind, null, LabelledEvent.newBuilder(event)
                    .setLabels(Collections.singletonList("no-such-label")).build());
            case NEGATIVE_WEIGHT -> new BadRecord(kind, null, LabelledEvent.newBuilder(event).setImportance(-1f).build());
            case UNKNOWN_MODEL -> new BadRecord(kind, null, LabelledEvent.newBuilder(event).setModelId("no-such-model").build());
        };
    }
}
