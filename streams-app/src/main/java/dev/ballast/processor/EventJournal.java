package dev.ballast.processor;

import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.SparseFeatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * The events a model received since its state was last saved, one store key per event
 * ({@code modelId + '\0' + slot}, slot 0, 1, ... from the save), so that each event costs one small write and the
 * whole model is written only now and then. Each entry carries the save sequence number it follows: after a
 * restart, the entries stamped with the restored state's sequence number are replayed through the trainer in
 * order, which rebuilds exactly the state that was lost (training is deterministic); entries with another stamp
 * are leftovers of earlier saves.
 *
 * <p>Events that came straight from the events topic are journalled only after a repartitioned one arrived in the
 * same save cycle: before that, one {@link SourceRange} per model and cycle says where in the events topic they can
 * be read again (see {@link ModelStore}).
 *
 * <p>An entry holds what the trainer was given, not the Avro event: the features as floats, the positive labels
 * as indices, the importance. That is a few plain writes instead of an Avro encoding per event, and a replay feeds
 * the trainer without decoding Avro. Entries written by Ballast 0.1 (the Avro event) are still read.
 */
final class EventJournal {

    /**
     * First byte of an entry in this format. Entries of the earlier format start with the Avro (zigzag varint)
     * encoding of a non-negative stamp, whose first byte is even.
     */
    private static final byte FORMAT = 1;
    /** An entry of {@link #FORMAT} followed by the probabilities it was served (a late-labelled event); odd, as above. */
    private static final byte FORMAT_SERVED = 3;
    private static final byte DENSE = 0;
    private static final byte SPARSE = 1;

    private static final SpecificDatumReader<LabelledEvent> LEGACY_READER = new SpecificDatumReader<>(LabelledEvent.class);

    /**
     * One event as the trainer takes it.
     *
     * @param values     dense features, or the values of the sparse non-zeros
     * @param indices    the sparse non-zeros' feature indices; null for a dense row
     * @param targets    1 for each positive label (in declaration order), 0 otherwise
     * @param importance the event's weight
     * @param served     the probabilities the event was served before its labels came, or null: its prequential
     *                   test uses them
     */
    record Input(float[] values, int[] indices, float[] targets, float importance, float[] served) {

        Input(float[] values, int[] indices, float[] targets, float importance) {
            this(values, indices, targets, importance, null);
        }

        /** Converts a validated event with known labels: they are all in {@code labelIndex}. */
        static Input of(LabelledEvent event, Map<String, Integer> labelIndex, int labelCount) {
            return of(event, labelIndex, labelCount, null);
        }

        /** As {@link #of(LabelledEvent, Map, int)}, for an event served {@code served} before its labels came. */
        static Input of(LabelledEvent event, Map<String, Integer> labelIndex, int labelCount, float[] served) {
            float[] targets = new float[labelCount];
            for (String label : event.getLabels()) {
                targets[labelIndex.get(label)] = 1f;
            }
            if (event.getFeatures() instanceof DenseFeatures dense) {
                return new Input(floats(dense.getValues()), null, targets, event.getImportance(), served);
            }
            SparseFeatures sparse = (SparseFeatures) event.getFeatures();
            List<Integer> indexList = sparse.getIndices();
            int[] indices = new int[indexList.size()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = indexList.get(i);
            }
            return new Input(floats(sparse.getValues()), indices, targets, event.getImportance(), served);
        }

        private static float[] floats(List<Float> list) {
            float[] values = new float[list.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = list.get(i);
            }
            return values;
        }
    }

    record Entry(long stamp, String topicPartition, long offset, Input input) {
    }

    /**
     * Where the events a model took in straight from the events topic since its save number {@code stamp} are: in
     * {@code topic}-{@code partition} from offset {@code from} (the first of them) up to {@code to} (exclusive), or
     * up to where the application's processing stands when {@code to} is negative (the open range: no journal entry
     * followed them in this cycle). Records in the range that belong to other models, or that were dead-lettered, are
     * skipped when it is read back.
     */
    record SourceRange(long stamp, String topic, int partition, long from, long to) {

        SourceRange closedAt(long end) {
            return new SourceRange(stamp, topic, partition, from, end);
        }

        byte[] encode() {
            byte[] name = topic.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 8 + 4 + name.length + 4 + 8 + 8).put(FORMAT).putLong(stamp)
                    .putInt(name.length).put(name).putInt(partition).putLong(from).putLong(to).array();
        }

        static SourceRange decode(byte[] bytes) {
            try {
                ByteBuffer in = ByteBuffer.wrap(bytes);
                if (in.get() != FORMAT) {
                    throw new IllegalStateException("source range of an unknown format " + bytes[0]);
                }
                long stamp = in.getLong();
                byte[] name = new byte[in.getInt()];
                in.get(name);
                return new SourceRange(stamp, new String(name, StandardCharsets.UTF_8), in.getInt(), in.getLong(),
                        in.getLong());
            } catch (BufferUnderflowException | IndexOutOfBoundsException | NegativeArraySizeException e) {
                throw new IllegalStateException("source range is unreadable (" + bytes.length + " bytes)", e);
            }
        }
    }

    private EventJournal() {
    }

    static String key(String modelId, int slot) {
        return modelId + '\0' + slot;
    }

    /** The store key of a model's {@link SourceRange}: not a slot number, so it never meets a journal entry's key. */
    static String sourceRangeKey(String modelId) {
        return modelId + "\0source";
    }

    static byte[] encode(long stamp, String topicPartition, long offset, Input input) {
        byte[] partition = topicPartition.getBytes(StandardCharsets.UTF_8);
        int positives = 0;
        for (float target : input.targets()) {
            positives += target != 0f ? 1 : 0;
        }
        int nonZeros = input.values().length;
        int size = 1 + 8 + 4 + partition.length + 8 + 4 + 1 + 4 + nonZeros * (input.indices() == null ? 4 : 8)
                + 4 + 4 + positives * 4 + (input.served() == null ? 0 : input.targets().length * 4);
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(input.served() == null ? FORMAT : FORMAT_SERVED).putLong(stamp).putInt(partition.length).put(partition).putLong(offset)
                .putFloat(input.importance());
        out.put(input.indices() == null ? DENSE : SPARSE).putInt(nonZeros);
        for (int i = 0; i < nonZeros; i++) {
            if (input.indices() != null) {
                out.putInt(input.indices()[i]);
            }
            out.putFloat(input.values()[i]);
        }
        out.putInt(input.targets().length).putInt(positives);
        for (int label = 0; label < input.targets().length; label++) {
            if (input.targets()[label] != 0f) {
                out.putInt(label);
            }
        }
        if (input.served() != null) {
            for (float probability : input.served()) {
                out.putFloat(probability);
            }
        }
        return out.array();
    }

    /**
     * @param legacy converts an event of an entry in the earlier (Avro) format
     */
    static Entry decode(byte[] bytes, Function<LabelledEvent, Input> legacy) {
        if (bytes.length > 0 && bytes[0] != FORMAT && bytes[0] != FORMAT_SERVED) {
            return decodeLegacy(bytes, legacy);
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            boolean withServed = in.get() == FORMAT_SERVED;
            long stamp = in.getLong();
            byte[] partition = new byte[in.getInt()];
            in.get(partition);
            long offset = in.getLong();
            float importance = in.getFloat();
            boolean sparse = in.get() == SPARSE;
            int nonZeros = in.getInt();
            float[] values = new float[nonZeros];
            int[] indices = sparse ? new int[nonZeros] : null;
            for (int i = 0; i < nonZeros; i++) {
                if (sparse) {
                    indices[i] = in.getInt();
                }
                values[i] = in.getFloat();
            }
            float[] targets = new float[in.getInt()];
            int positives = in.getInt();
            for (int i = 0; i < positives; i++) {
                targets[in.getInt()] = 1f;
            }
            float[] served = withServed ? new float[targets.length] : null;
            for (int label = 0; withServed && label < targets.length; label++) {
                served[label] = in.getFloat();
            }
            return new Entry(stamp, new String(partition, StandardCharsets.UTF_8), offset,
                    new Input(values, indices, targets, importance, served));
        } catch (BufferUnderflowException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalStateException("journal entry is unreadable (" + bytes.length + " bytes)", e);
        }
    }

    private static Entry decodeLegacy(byte[] bytes, Function<LabelledEvent, Input> legacy) {
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
            long stamp = decoder.readLong();
            String topicPartition = decoder.readString();
            long offset = decoder.readLong();
            return new Entry(stamp, topicPartition, offset, legacy.apply(LEGACY_READER.read(null, decoder)));
        } catch (IOException e) {
            throw new UncheckedIOException("journal entry is unreadable", e);
        }
    }
}
