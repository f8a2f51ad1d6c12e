package dev.ballast.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.config.BallastConfig;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.testing.EmbeddedKafkaExtension;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.cluster.BallastSerdes;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's first event after a (re)start replays the journal left in the store: the entries stamped with the
 * restored state's save sequence, slot by slot from 0, up to the first missing or differently stamped one. They are
 * trained before the new events, exactly once; a leftover beyond that point is never replayed.
 */
@ExtendWith(EmbeddedKafkaExtension.class) // the shared embedded registry only; no broker
class JournalReplayTest {

    private static final String MODEL = "default";
    private static final Map<String, Integer> LABELS = Map.of("rare", 0, "common", 1);

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, LabelledEvent> events;
    private TestOutputTopic<String, ModelSnapshot> snapshots;
    private KeyValueStore<String, byte[]> store;
    private final Random random = new Random(3);

    @BeforeEach
    void startDriver(EmbeddedSchemaRegistry registry) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "journal-replay-test");
        settings.put("state.dir", stateDir.toString());
        settings.put(BallastConfig.MODEL_FEATURES, "4");
        settings.put(BallastConfig.MODEL_LABELS, "rare,common");
        settings.put(BallastConfig.BATCH_SIZE, "8");
        // Whole batches from the first event on: the expected counts assume no warm-up.
        settings.put(BallastConfig.BATCH_WARMUP_EVENTS, "0");
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
    void shouldReplayTheEntriesOfTheSavedStateUpToTheFirstOtherStamp() {
        // No saved state: save sequence 0. Slots 0-10 are its journal; slot 11 is a leftover of another save, and
        // slot 12, though stamped 0, lies beyond it and must not be replayed.
        for (int slot = 0; slot < 11; slot++) {
            store.put(EventJournal.key(MODEL, slot), entry(0, slot));
        }
        store.put(EventJournal.key(MODEL, 11), entry(7, 11));
        store.put(EventJournal.key(MODEL, 12), entry(0, 12));

        pipe(5);

        List<ModelSnapshot> published = snapshots.readValuesToList();
        assertEquals(1, published.size(), "11 replayed + 5 new = 16 events = 2 batches = 1 snapshot");
        assertEquals(16, published.get(0).getEventsTrained());
        assertEquals(111L, published.get(0).getInputOffsets().get("ballast.events-0"),
                "the model reflects the journal's events up to offset 110, not the leftovers at 111 and 112");
    }

    @Test
    void shouldGoOnJournallingAfterTheReplayedEntries() {
        for (int slot = 0; slot < 5; slot++) {
            store.put(EventJournal.key(MODEL, slot), entry(0, slot));
        }

        pipe(2);

        for (int slot = 0; slot < 7; slot++) {
            EventJournal.Entry entry = EventJournal.decode(store.get(EventJournal.key(MODEL, slot)), unused -> null);
            assertEquals(0, entry.stamp(), "slot " + slot);
            assertEquals(slot < 5 ? 100L + slot : slot - 5L, entry.offset(), "slot " + slot + ": replayed, then new");
        }
        pipe(9);
        assertEquals(16, snapshots.readValuesToList().get(0).getEventsTrained(), "5 replayed + 11 new");
    }

    private byte[] entry(long stamp, int slot) {
        return EventJournal.encode(stamp, "ballast.events-0", 100 + slot, input());
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
