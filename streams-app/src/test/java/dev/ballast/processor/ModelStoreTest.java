package dev.ballast.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.config.ModelDeclaration;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.training.BatchOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The store's restore protocol on its own, without a processor: a model restored from the store (its last save, its
 * cycle's range of the events topic read back, then its journal) is the model that was live when the store was
 * committed, byte for byte as it saves.
 */
class ModelStoreTest {

    private static final String EVENTS = "ballast.events";
    private static final String REPARTITION = "app-by-model-id-repartition";
    private static final long NOW = 1_700_000_000_000L;

    /** The events topic's partition 0: what a {@link SourceLog} reads back. */
    private final List<LabelledEvent> source = new ArrayList<>();
    private final List<String> sourceKeys = new ArrayList<>();
    private final BallastConfig config = config();
    private final Random random = new Random(11);
    private long repartitionOffset;
    private int readBack;

    @Test
    void shouldRestoreTheLiveModelFromItsSaveTheEventsTopicAndTheJournal() {
        ModelDeclaration declaration = config.models().declaration("default").orElseThrow();
        KeyValueStore<String, byte[]> store = InMemoryStores.store(TrainingProcessor.STORE);
        ModelStore live = modelStore(store);
        ModelState model = live.model(declaration, null);
        // Saves every 3 batches of 8: a commit after 100 events falls in a cycle that took 4 events in from the
        // events topic, then journalled from its first repartitioned event on.
        for (int i = 0; i < 100; i++) {
            takeIn(live, model, declaration, i % 9 == 4 || i >= 98);
            otherRecord(i);
        }
        assertTrue(model.cycle.sourceRange != null && model.cycle.journalling, "the last cycle has a range and a journal");

        ModelStore restarted = modelStore(InMemoryStores.copy(store));
        ModelState restored = restarted.model(declaration, null);

        assertArrayEquals(model.serialise(), restored.serialise(), "the restored model is the live one");
        assertTrue(readBack > 0, "the range was read back from the events topic");
        assertEquals(model.cycle.journalLength, restored.cycle.journalLength, "the journal replayed up to its end");

        // Both go on identically: the restored model journals into the next slots of the same cycle.
        for (int i = 0; i < 30; i++) {
            LabelledEvent event = RandomEvents.event(random, declaration.modelId(), 4);
            long offset = repartitionOffset++;
            live.takeIn(model, ModelStore.toInput(event, declaration), REPARTITION, 0, offset);
            restarted.takeIn(restored, ModelStore.toInput(event, declaration), REPARTITION, 0, offset);
        }
        assertArrayEquals(model.serialise(), restored.serialise(), "the restored model trains on as the live one");
    }

    @Test
    void shouldRestoreAtFirstPunctuationOnlyTheSavedModelsStillDeclaredAndNotLoaded() {
        KeyValueStore<String, byte[]> store = InMemoryStores.store(TrainingProcessor.STORE);
        ModelStore live = modelStore(store);
        for (String modelId : List.of("default", "second", "dropped")) {
            ModelDeclaration declaration = config.models().declaration(modelId).orElseThrow();
            ModelState model = live.model(declaration, null);
            for (int i = 0; i < 8; i++) {
                takeIn(live, model, declaration, false);
            }
            live.save(model);
        }

        ModelStore restarted = modelStore(store);
        restarted.model(config.models().declaration("second").orElseThrow(), null);
        restarted.restoreSaved(modelId -> modelId.equals("dropped") ? null
                : config.models().declaration(modelId).orElseThrow());

        Set<String> loaded = new TreeSet<>();
        restarted.loaded().forEach(model -> loaded.add(model.modelId));
        assertEquals(Set.of("default", "second"), loaded);
        restarted.loaded().forEach(model -> assertEquals(8, model.trainer.eventsTrained(), model.modelId));
    }

    /** Takes in one event of the model, from the events topic or, {@code repartitioned}, from the repartition topic. */
    private void takeIn(ModelStore models, ModelState model, ModelDeclaration declaration, boolean repartitioned) {
        LabelledEvent event = RandomEvents.event(random, declaration.modelId(), 4);
        EventJournal.Input input = ModelStore.toInput(event, declaration);
        // A mis-keyed event is in the events topic too, under its wrong key; it reaches the model repartitioned.
        long offset = sourceRecord(repartitioned ? null : declaration.modelId(), event);
        BatchOutcome outcome = repartitioned
                ? models.takeIn(model, input, REPARTITION, 0, repartitionOffset++)
                : models.takeIn(model, input, EVENTS, 0, offset);
        if (outcome != null) {
            models.saveAfterBatch(model, false);
        }
    }

    /** Records of the events topic that the model never took in: another model's, and one of the wrong dimension. */
    private void otherRecord(int i) {
        if (i % 5 == 0) {
            sourceRecord("second", RandomEvents.event(random, "second", 4));
        }
        if (i % 17 == 0) {
            sourceRecord("default", RandomEvents.event(random, "default", 3));
        }
    }

    private long sourceRecord(String key, LabelledEvent event) {
        source.add(event);
        sourceKeys.add(key);
        return source.size() - 1;
    }

    private ModelStore modelStore(KeyValueStore<String, byte[]> store) {
        ModelStore models = new ModelStore(config.models(), EVENTS, () -> new SourceLog() {
            @Override
            public void read(TopicPartition partition, long from, long to, Visitor each) {
                assertEquals(new TopicPartition(EVENTS, 0), partition);
                for (long offset = from; offset < to; offset++) {
                    readBack++;
                    each.accept(offset, sourceKeys.get((int) offset), source.get((int) offset));
                }
            }

            @Override
            public long committedOffset(TopicPartition partition) {
                return source.size();
            }

            @Override
            public void close() {
            }
        }, config.getInt(BallastConfig.STATE_SAVE_INTERVAL_BATCHES), loaded -> { }, ModelStore.TRAINER);
        models.init(store, () -> NOW);
        return models;
    }

    private static BallastConfig config() {
        Map<String, String> settings = RandomEvents.settings("default,second,dropped");
        settings.put(BallastConfig.STATE_SAVE_INTERVAL_BATCHES, "3");
        return new BallastConfig(settings);
    }
}
