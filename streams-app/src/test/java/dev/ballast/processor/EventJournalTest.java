package dev.ballast.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.SparseFeatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class EventJournalTest {

    private static final Map<String, Integer> LABELS = Map.of("fraud", 0, "spam", 1, "abuse", 2);

    @Test
    void shouldRoundTripADenseEventAsTheTrainerTakesIt() {
        LabelledEvent event = event(new DenseFeatures(List.of(1.5f, -0f, Float.MIN_VALUE, 3e38f)), List.of("abuse", "fraud"));
        EventJournal.Input input = EventJournal.Input.of(event, LABELS, 3);

        EventJournal.Entry entry = EventJournal.decode(EventJournal.encode(7, "events-2", 41L, input), unused -> null);

        assertEquals(7, entry.stamp());
        assertEquals("events-2", entry.topicPartition());
        assertEquals(41L, entry.offset());
        assertArrayEquals(new float[] {1.5f, -0f, Float.MIN_VALUE, 3e38f}, entry.input().values());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(entry.input().values()[1]));
        assertNull(entry.input().indices());
        assertArrayEquals(new float[] {1f, 0f, 1f}, entry.input().targets());
        assertEquals(0.25f, entry.input().importance());
    }

    @Test
    void shouldRoundTripASparseEventWithNoLabels() {
        LabelledEvent event = event(new SparseFeatures(List.of(99_999, 3), List.of(0.5f, -2f)), List.of());
        EventJournal.Input input = EventJournal.Input.of(event, LABELS, 3);

        EventJournal.Entry entry = EventJournal.decode(EventJournal.encode(0, "by-model-id-0", 0L, input), unused -> null);

        assertArrayEquals(new int[] {99_999, 3}, entry.input().indices());
        assertArrayEquals(new float[] {0.5f, -2f}, entry.input().values());
        assertArrayEquals(new float[3], entry.input().targets());
    }

    @Test
    void shouldKeepTheProbabilitiesALateLabelledEventWasServed() {
        LabelledEvent event = event(new DenseFeatures(List.of(1f, 2f)), List.of("spam"));
        float[] served = {0.125f, 0.875f, 1e-7f};
        EventJournal.Input input = EventJournal.Input.of(event, LABELS, 3, served);

        EventJournal.Entry entry = EventJournal.decode(EventJournal.encode(3, "ballast.labels-1", 9L, input), unused -> null);

        assertArrayEquals(served, entry.input().served());
        assertArrayEquals(new float[] {0f, 1f, 0f}, entry.input().targets());
        assertNull(EventJournal.decode(EventJournal.encode(3, "events-1", 9L, EventJournal.Input.of(event, LABELS, 3)),
                unused -> null).input().served());
    }

    @Test
    void shouldStillReadEntriesOfTheEarlierAvroFormat() throws IOException {
        LabelledEvent event = event(new DenseFeatures(List.of(4f, 5f)), List.of("spam"));
        for (long stamp : new long[] {0, 1, 63, 64, 1L << 40}) {
            byte[] legacy = legacyEntry(stamp, "events-0", 12L, event);

            EventJournal.Entry entry = EventJournal.decode(legacy, decoded -> EventJournal.Input.of(decoded, LABELS, 3));

            assertEquals(stamp, entry.stamp());
            assertEquals("events-0", entry.topicPartition());
            assertEquals(12L, entry.offset());
            assertArrayEquals(new float[] {4f, 5f}, entry.input().values());
            assertArrayEquals(new float[] {0f, 1f, 0f}, entry.input().targets());
        }
    }

    @Test
    void shouldNameATruncatedEntry() {
        EventJournal.Input input = new EventJournal.Input(new float[] {1f, 2f}, null, new float[] {1f}, 1f);
        byte[] bytes = EventJournal.encode(3, "events-0", 5L, input);

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> EventJournal.decode(Arrays.copyOf(bytes, bytes.length - 3), unused -> null));

        assertEquals("journal entry is unreadable (" + (bytes.length - 3) + " bytes)", error.getMessage());
    }

    private static LabelledEvent event(Object features, List<String> labels) {
        return LabelledEvent.newBuilder().setId("e-1").setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setModelId("default").setFeatures(features).setLabels(labels).setImportance(0.25f).build();
    }

    /** An entry as Ballast 0.1 wrote it: stamp, partition and offset in Avro, then the Avro event. */
    private static byte[] legacyEntry(long stamp, String topicPartition, long offset, LabelledEvent event)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        encoder.writeLong(stamp);
        encoder.writeString(topicPartition);
        encoder.writeLong(offset);
        new SpecificDatumWriter<>(LabelledEvent.class).write(event, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }
}
