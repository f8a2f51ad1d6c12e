package dev.ballast.feedback;

import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.state.JoinEntry;
import dev.ballast.schema.state.JoinOrigin;
import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedJoinCounters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * The reader of the join store's first format, for values written before format 2 (an entry can wait in the store
 * across an upgrade): the only place that knows its hand-written layouts. Each value becomes the record of the
 * current format. An entry was the format byte 1 and its deadline, then for a waiting event its origin, the
 * probabilities it was served and the event in Avro binary; for an early label its origin and the label in Avro
 * binary; nothing more for a joined marker. Counters were the format byte 1, four counts and the used delay buckets.
 * Nothing writes this format any more.
 */
final class EarlierJoinFormat {

    static final byte FIRST_FORMAT = 1;

    private static final SpecificDatumReader<LabelledEvent> EVENT_READER = new SpecificDatumReader<>(LabelledEvent.class);
    private static final SpecificDatumReader<LabelFeedback> LABEL_READER = new SpecificDatumReader<>(LabelFeedback.class);

    private EarlierJoinFormat() {
    }

    /**
     * An entry of the first format.
     *
     * @param waitingEvent the key is a waiting event's
     * @param earlyLabel   the key is an early label's (neither: a joined marker)
     */
    static JoinEntry entry(byte[] value, boolean waitingEvent, boolean earlyLabel) {
        try {
            ByteBuffer in = ByteBuffer.wrap(value);
            in.get();
            JoinEntry entry = new JoinEntry(in.getLong(), null, null, null, null);
            if (waitingEvent || earlyLabel) {
                byte[] topic = new byte[in.getInt()];
                in.get(topic);
                entry.setOrigin(new JoinOrigin(new String(topic, StandardCharsets.UTF_8), in.getInt(), in.getLong(),
                        in.getLong()));
            }
            if (waitingEvent) {
                float[] served = new float[in.getInt()];
                for (int i = 0; i < served.length; i++) {
                    served[i] = in.getFloat();
                }
                entry.setServed(SavedArrays.floats(served));
                entry.setEvent(EVENT_READER.read(null,
                        DecoderFactory.get().binaryDecoder(value, in.position(), value.length - in.position(), null)));
            } else if (earlyLabel) {
                entry.setLabel(LABEL_READER.read(null,
                        DecoderFactory.get().binaryDecoder(value, in.position(), value.length - in.position(), null)));
            }
            return entry;
        } catch (IOException e) {
            throw new UncheckedIOException("join store entry is unreadable", e);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalStateException("join store entry is unreadable (" + value.length + " bytes)", e);
        }
    }

    /** Counters of the first format. */
    static SavedJoinCounters counters(byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        in.get();
        SavedJoinCounters counters = new SavedJoinCounters(in.getLong(), in.getLong(), in.getLong(), in.getLong(),
                new ArrayList<>());
        long[] buckets = new long[JoinCounters.BUCKETS];
        int used = in.getInt();
        for (int i = 0; i < used; i++) {
            buckets[in.getInt()] = in.getLong();
        }
        List<Long> list = counters.getDelayBuckets();
        for (long count : buckets) {
            list.add(count);
        }
        return counters;
    }
}
