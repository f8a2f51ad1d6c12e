package dev.ballast.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelScore;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.Prediction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A join store written before joined markers moved under their event's key: its {@code j|} markers (with index
 * entries of their own) are still found and expired, and an early label of the first format joins its event, whose
 * marker then takes the event's key.
 */
class LabelJoinLegacyStoreTest {

    private static final long DELAY_MS = 1_000;
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    private static final LabelJoin.Expiry NO_EXPIRY_EXPECTED = new LabelJoin.Expiry() {
        @Override
        public void trainAsNegative(LabelJoin.Joined event) {
            throw new AssertionError("missing labels are ignored");
        }

        @Override
        public void orphaned(LabelFeedback label, LabelJoin.Origin origin, String reason) {
            throw new AssertionError("no label is orphaned: " + reason);
        }
    };

    @Test
    void shouldFindAndExpireJoinedMarkersOfTheEarlierLayoutWhenTheStoreHoldsThem() throws IOException {
        KeyValueStore<String, byte[]> store = store();
        long t0 = T0.toEpochMilli();
        // u0 joined before: a second label for it is a duplicate. u1's labels came first and wait for it.
        putLegacy(store, "j\0default\0u0", ByteBuffer.allocate(9).put((byte) 1).putLong(t0 + DELAY_MS).array(),
                t0 + DELAY_MS);
        LabelFeedback early = new LabelFeedback("u1", "default", List.of("rare"), T0);
        LabelJoin.Origin labelOrigin = new LabelJoin.Origin("ballast.labels", 0, 7, t0);
        byte[] labelBytes = avro(early);
        byte[] topic = labelOrigin.topic().getBytes(StandardCharsets.UTF_8);
        ByteBuffer earlyEntry = ByteBuffer.allocate(1 + 8 + 4 + topic.length + 4 + 8 + 8 + labelBytes.length);
        earlyEntry.put((byte) 1).putLong(t0 + DELAY_MS).putInt(topic.length).put(topic).putInt(0).putLong(7).putLong(t0)
                .put(labelBytes);
        putLegacy(store, "l\0default\0u1", earlyEntry.array(), t0 + DELAY_MS);

        LabelJoin join = new LabelJoin(new FeedbackSettings(DELAY_MS, MissingLabels.IGNORE, false));
        join.init(store);

        assertTrue(join.received(event("u0")), "an event joined under the earlier layout was received");
        assertInstanceOf(LabelJoin.Duplicate.class, join.onLabel(new LabelFeedback("u0", "default", List.of(), T0),
                new LabelJoin.Origin("ballast.labels", 0, 8, t0 + 1)));

        LabelledEvent u1 = event("u1");
        assertFalse(join.received(u1), "u1 has only its labels waiting");
        LabelJoin.Result result = join.onEvent(u1, prediction(u1), new LabelJoin.Origin("ballast.events", 0, 3, t0 + 2));
        LabelJoin.Ready ready = assertInstanceOf(LabelJoin.Ready.class, result);
        assertEquals(List.of("rare"), ready.joined().event().getLabels());
        assertEquals(labelOrigin, ready.joined().origin(), "trained from the label's record");
        assertNull(store.get("l\0default\0u1"), "the early label left its legacy key");
        assertTrue(join.received(u1), "u1 is marked joined");

        // Past every deadline: the legacy joined mark and u1's mark expire with their index entries.
        join.advance(t0 + 2 + DELAY_MS + 1, NO_EXPIRY_EXPECTED);
        List<String> left = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> left.add(entry.key.substring(0, 1)));
        }
        assertEquals(List.of("c"), left, "only the join counters are left: " + left);
    }

    private static KeyValueStore<String, byte[]> store() {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(LabelJoin.STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    /** An entry and its expiry index entry, as the earlier layout wrote them. */
    private static void putLegacy(KeyValueStore<String, byte[]> store, String key, byte[] value, long deadline) {
        store.put(key, value);
        String hex = Long.toHexString(deadline);
        store.put("x\0" + "0".repeat(16 - hex.length()) + hex + '\0' + key, new byte[] {1});
    }

    private static byte[] avro(LabelFeedback label) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(LabelFeedback.class).write(label, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    private static LabelledEvent event(String id) {
        return LabelledEvent.newBuilder().setId(id).setEventTime(T0).setModelId("default")
                .setFeatures(new DenseFeatures(List.of(0.5f, -1f))).setLabels(null).build();
    }

    private static Prediction prediction(LabelledEvent event) {
        return new Prediction(event.getId(), event.getModelId(), 0L, T0,
                List.of(new LabelScore("rare", 0.25f, 0.5f, false)));
    }
}
