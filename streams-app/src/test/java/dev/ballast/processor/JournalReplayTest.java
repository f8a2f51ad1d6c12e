package dev.ballast.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.topology.BallastSerdes;
import dev.ballast.topology.BallastTopology;
import dev.ballast.topology.StreamsSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's first event after a (re)start replays the journal left in the store: {@link EventJournal#EVENTS_PER_ENTRY}
 * events per slot, or one per slot as Ballast 0.1 wrote it. The events found there are trained before the new ones,
 * exactly once, and nothing beyond the journal's last (partial) slot is replayed.
 */
class JournalReplayTest {

    private static final String MODEL = "default";
    private static final Map<String, Integer> LABELS = Map.of("rare", 0, "common", 1);

    private static EmbeddedSchemaRegistry registry;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, LabelledEvent> events;
    private TestOutputTopic<String, ModelSnapshot> snapshots;
    private KeyValueStore<String, byte[]> store;
    private final Random random = new Random(3);

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @BeforeEach
    void startDriver() {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "journal-replay-test");
        settings.put("state.dir", stateDir.toString());
        settings.put(BallastConfig.MODEL_FEATURES, "4");
        settings.put(BallastConfig.MODEL_LABELS, "rare,common");
        settings.put(BallastConfig.BATCH_SIZE, "8");
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_STEPS, "2");
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "600000");
        settings.put(BallastConfig.METRICS_INTERVAL_MS, "600000");
        BallastConfig config = new BallastConfig(settings);
        BallastSerdes serdes = BallastSerdes.fromConfig(config.nonBallastProperties());
        driver = new TopologyTestDriver(BallastTopology.build(config, serdes), StreamsSettings.of(config));
        events = driver.createInputTopic("ballast.events", new StringSerializer(), serdes.events().serializer());
        snapshots = driver.createOutputTopic("ballast.model-updates", new StringDeserializer(),
                serdes.snapshots().deserializer());
        store = driver.getKeyValueStore(TrainingProcessor.STORE);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldReplayFullAndPartialSlotsAndNothingAfterThePartialOne() {
        // 8 + 3 journalled events of the initial state (save sequence 0); slot 2 must not be read: the journal ends
        // at its first partial slot.
        store.put(EventJournal.key(MODEL, 0), slot(0, 0, 8));
        store.put(EventJournal.key(MODEL, 1), slot(0, 8, 3));
        store.put(EventJournal.key(MODEL, 2), slot(0, 11, 8));

        pipe(5);

        List<ModelSnapshot> published = snapshots.readValuesToList();
        assertEquals(1, published.size(), "11 replayed + 5 new = 16 events = 2 batches = 1 snapshot");
        assertEquals(16, published.get(0).getEventsTrained());
        assertEquals(111L, published.get(0).getInputOffsets().get("ballast.events-0"),
                "the model reflects the journal's events up to offset 110 (slot 2's, from 111 on, are not replayed)");
    }

    @Test
    void shouldReplayAJournalOfOneEventPerSlotAndContinueInSlotsOfSeveral() {
        // Ballast 0.1 wrote one entry per slot.
        for (int i = 0; i < 5; i++) {
            store.put(EventJournal.key(MODEL, i), EventJournal.encode(0, "ballast.events-0", 100 + i, input()));
        }

        pipe(3);

        // The state was saved at once: the old one-event slots carry the previous stamp, so a later replay, reading
        // slots of several events, cannot take them for current ones.
        byte[] first = store.get(EventJournal.key(MODEL, 0));
        assertTrue(EventJournal.isChunk(first), "the journal restarted in slots of several events");
        List<EventJournal.Entry> current = EventJournal.decodeAll(first, unused -> null);
        assertEquals(3, current.size(), "the slot holds the new events only");
        for (int i = 1; i < 5; i++) {
            EventJournal.Entry old = EventJournal.decodeAll(store.get(EventJournal.key(MODEL, i)), unused -> null).get(0);
            assertTrue(old.stamp() != current.get(0).stamp(), "slot " + i + " of the old journal is stale");
        }
        pipe(8);
        assertEquals(16, snapshots.readValuesToList().get(0).getEventsTrained(), "5 replayed + 11 new");
    }

    @Test
    void shouldReplayAStillFillingSlotAndGoOnFillingIt() {
        store.put(EventJournal.key(MODEL, 0), slot(0, 0, 5));

        pipe(2);

        byte[] slot = store.get(EventJournal.key(MODEL, 0));
        assertEquals(7, EventJournal.decodeAll(slot, unused -> null).size(), "5 replayed + 2 new in the same slot");
        pipe(9);
        assertEquals(16, snapshots.readValuesToList().get(0).getEventsTrained());
    }

    private byte[] slot(long stamp, int firstOffset, int count) {
        byte[][] entries = new byte[count][];
        for (int i = 0; i < count; i++) {
            entries[i] = EventJournal.encode(stamp, "ballast.events-0", 100 + firstOffset + i, input());
        }
        return EventJournal.chunk(entries, count);
    }

    private EventJournal.Input input() {
        return EventJournal.Input.of(event(), LABELS, 2);
    }

    private void pipe(int count) {
        for (int i = 0; i < count; i++) {
            events.pipeInput(MODEL, event());
        }
    }

    private LabelledEvent event() {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            values.add((float) random.nextGaussian());
        }
        return LabelledEvent.newBuilder().setId("e").setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setModelId(MODEL).setFeatures(new DenseFeatures(values))
                .setLabels(values.get(0) > 0 ? List.of("common") : List.of()).build();
    }
}
