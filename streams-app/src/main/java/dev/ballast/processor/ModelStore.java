package dev.ballast.processor;

import dev.ballast.config.ModelCatalog;
import dev.ballast.config.ModelDeclaration;
import dev.ballast.learning.IncompatibleStateException;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.training.BatchOutcome;
import dev.ballast.training.OnlineTrainer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of a task, kept in its changelogged store so that after any crash each is restored exactly as it was.
 *
 * <p>A model's whole state ({@link ModelState}) is saved under its id every {@code ballast.state.save.interval.batches}
 * mini-batches and whenever it publishes; with {@code exactly_once_v2} the store, the outputs and the input offsets
 * commit atomically. What a model took in since its last save is rebuilt on restore, in the order it was taken in,
 * from two places:
 * <ul>
 *   <li>events that came straight from the events topic are read again from there ({@link SourceLog}), as Kafka
 *       Streams restores a table from its source topic: the store holds only where they start (one
 *       {@link EventJournal.SourceRange} per model and save cycle, under {@code modelId + "\0source"}), and they end
 *       where the application's committed processing stands, or where the cycle's journal starts;</li>
 *   <li>once any other event arrives in a cycle (one repartitioned because it was keyed by something else than its
 *       model id, or one the label join made ready), it and every event after it in that cycle are journalled one by
 *       one ({@link EventJournal}, under {@code modelId + '\0' + slot}): the repartition topic is purged as soon as
 *       it is consumed, and a late-labelled event is in the events topic without its labels.</li>
 * </ul>
 * Range and journal entries carry the save sequence number they follow (their stamp); a restore uses only those
 * stamped with the restored state's, so leftovers of earlier cycles are never replayed. Training is deterministic,
 * so after a crash every valid event is counted and trained on exactly once, in its original order.
 *
 * <p>Models are loaded at their first record after the task is (re)initialised ({@link #model}), and the models saved
 * in the store that no record has loaded by the first punctuation are loaded then ({@link #restoreSaved}).
 *
 * <p>A trainer that throws (a bug: what a record can do wrong is rejected before it gets here) fails its model, not
 * the task: the model keeps {@link ModelState#failure}, takes in and saves nothing more, and its range of the events
 * topic ends where it stands ({@link #stopTakingIn}). A restart restores it from its last save and takes in again
 * everything up to the failure, in order, so under the same code it fails at the same input, and under fixed code
 * it trains on.
 */
public final class ModelStore implements AutoCloseable {

    /** Gives a model's trainer one event; the seam through which tests make training throw as a bug would. */
    interface Intake {
        BatchOutcome add(OnlineTrainer trainer, EventJournal.Input input);
    }

    /** The trainer's own intake. */
    static final Intake TRAINER = (trainer, input) -> input.indices() == null
            ? trainer.addDense(input.values(), input.targets(), input.importance(), input.served())
            : trainer.addSparse(input.indices(), input.values(), input.targets(), input.importance(), input.served());

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    /** A reader of the events topic idle this long has done its work: restores happen at a task's start. */
    private static final long SOURCE_LOG_IDLE_MS = 30_000;

    private final ModelCatalog catalog;
    private final String eventsTopic;
    private final Supplier<SourceLog> sourceLogs;
    private final int saveIntervalBatches;
    private final Consumer<ModelState> onLoad;
    private final Intake intake;
    private final Map<String, ModelState> models = new HashMap<>();

    private KeyValueStore<String, byte[]> store;
    private LongSupplier clock;
    private SourceLog sourceLog;
    private long sourceLogUsedWallMs;
    private String lastTopic;
    private int lastPartition;
    private String lastTopicPartition;

    /**
     * @param catalog             explains, by setting name, why a saved model cannot be restored
     * @param sourceLogs          opens the events topic for reading back (called at the first restore that needs it)
     * @param saveIntervalBatches mini-batches between two saves of a model that does not publish
     * @param onLoad              told of every model created or restored, before it takes in anything new
     * @param intake              gives a trainer an event ({@link #TRAINER})
     */
    ModelStore(ModelCatalog catalog, String eventsTopic, Supplier<SourceLog> sourceLogs, int saveIntervalBatches,
            Consumer<ModelState> onLoad, Intake intake) {
        this.catalog = catalog;
        this.eventsTopic = eventsTopic;
        this.sourceLogs = sourceLogs;
        this.saveIntervalBatches = saveIntervalBatches;
        this.onLoad = onLoad;
        this.intake = intake;
    }

    /**
     * Starts over on {@code store}: a task re-initialised after an aborted transaction must reload every model from
     * the (rolled-back) store.
     */
    void init(KeyValueStore<String, byte[]> store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
        models.clear();
    }

    /**
     * The model's state, restored (or created) at its first record since {@link #init}.
     *
     * @param trigger the record being processed; null when there is none
     */
    ModelState model(ModelDeclaration declaration, RecordMetadata trigger) {
        ModelState state = models.get(declaration.modelId());
        if (state == null) {
            state = load(declaration, trigger);
            models.put(declaration.modelId(), state);
        }
        return state;
    }

    /** The models loaded since {@link #init}. */
    Collection<ModelState> loaded() {
        return models.values();
    }

    /**
     * Takes in an event the model trains on, noted so that a restore takes it in again: as part of the cycle's range
     * of the events topic when it came straight from there with its labels, journalled otherwise.
     *
     * @return the outcome of the mini-batch it completed, or null
     */
    BatchOutcome takeIn(ModelState state, EventJournal.Input input, String topic, int partition, long offset) {
        SaveCycle cycle = state.cycle;
        String topicPartition = topicPartition(topic, partition);
        if (!cycle.journalling && input.served() == null && topic.equals(eventsTopic)
                && (cycle.sourceRange == null || cycle.sourceRange.partition() == partition)) {
            // Found again in the events topic on restore: only the first of the cycle's events is noted.
            if (cycle.sourceRange == null) {
                cycle.sourceRange = new EventJournal.SourceRange(state.saveSequence, topic, partition, offset, -1);
                store.put(cycle.sourceRangeKey, cycle.sourceRange.encode());
            }
            cycle.sourceNext = offset + 1;
        } else {
            endSourceRange(cycle);
            store.put(cycle.journalKey(cycle.journalLength++),
                    EventJournal.encode(state.saveSequence, topicPartition, offset, input));
        }
        return train(state, input, topicPartition, offset);
    }

    /**
     * Every later event of this cycle is journalled, not found again in the events topic: its range ends at the
     * next offset after the last event it took from there.
     */
    private void endSourceRange(SaveCycle cycle) {
        if (!cycle.journalling) {
            cycle.journalling = true;
            if (cycle.sourceRange != null) {
                cycle.sourceRange = cycle.sourceRange.closedAt(cycle.sourceNext);
                store.put(cycle.sourceRangeKey, cycle.sourceRange.encode());
            }
        }
    }

    /**
     * A failed model takes nothing more in: its range of the events topic ends after the last event it took in, so
     * that a restore does not read back the events dead-lettered after the failure (they come back only if re-sent).
     */
    void stopTakingIn(ModelState state) {
        endSourceRange(state.cycle);
    }

    /** Trains the model's pending events now, as a mini-batch short of its size; null when the trainer throws. */
    BatchOutcome trainPending(ModelState state) {
        BatchOutcome outcome;
        try {
            outcome = state.trainer.trainPending();
        } catch (RuntimeException e) {
            fail(state, "its pending events' mini-batch", e);
            return null;
        }
        state.cycle.trained(state.reflectedOffsets);
        return outcome;
    }

    /**
     * A mini-batch's outputs were emitted: saves the model if they include any ({@code published}; the save commits
     * with them, so a restore never publishes them again) or it is {@code ballast.state.save.interval.batches}
     * since the last save.
     */
    void saveAfterBatch(ModelState state, boolean published) {
        if (published || state.cycle.batchesSinceSave >= saveIntervalBatches) {
            save(state);
        }
    }

    /**
     * Saves the model's whole state and starts a new cycle: the range and journal of the last one are done with. A
     * failed model is not saved: the state its trainer left may be half-updated.
     */
    void save(ModelState state) {
        if (state.failure != null) {
            return;
        }
        state.saveSequence++;
        state.cycle.restart();
        store.put(state.modelId, state.serialise());
    }

    /**
     * Restores the models saved in the store that no record has restored since {@link #init}. A model restores at
     * its first event after the task starts; one whose stream has gone quiet would otherwise never publish what it
     * owes (a partial batch, the snapshot of its last trained events) after a restart, and the model-update topic
     * would stay behind the trained state until its next event.
     *
     * @param declarations the declaration of a model id, or null for one the configuration no longer trains
     */
    void restoreSaved(Function<String, ModelDeclaration> declarations) {
        Set<String> saved = new TreeSet<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                String key = all.next().key;
                int separator = key.indexOf('\0');
                saved.add(separator < 0 ? key : key.substring(0, separator));
            }
        }
        for (String modelId : saved) {
            ModelDeclaration declaration = models.containsKey(modelId) ? null : declarations.apply(modelId);
            if (declaration != null) {
                models.put(modelId, load(declaration, null));
            }
        }
    }

    /**
     * Closes the events topic's reader once it has been idle for a while: keeping its consumer and admin client for
     * the task's lifetime would only hold connections.
     */
    void closeIdleSourceLog(long nowMs) {
        if (sourceLog != null && nowMs - sourceLogUsedWallMs >= SOURCE_LOG_IDLE_MS) {
            closeSourceLog();
        }
    }

    @Override
    public void close() {
        closeSourceLog();
    }

    /** Its last save, then what it took in since, in order (see the class doc); a new model if it has no save. */
    private ModelState load(ModelDeclaration declaration, RecordMetadata trigger) {
        long now = clock.getAsLong();
        byte[] saved = store.get(declaration.modelId());
        ModelState state = saved == null
                ? new ModelState(declaration.modelId(), OnlineTrainer.create(declaration.trainerSettings(),
                        declaration.featureCount(), declaration.labelNames()), 0, 0, 0, Map.of(), now)
                : restore(saved, declaration, now);
        onLoad.accept(state);
        SaveCycle cycle = state.cycle;
        byte[] rangeBytes = store.get(cycle.sourceRangeKey);
        EventJournal.SourceRange range = rangeBytes == null ? null : EventJournal.SourceRange.decode(rangeBytes);
        long readBack = 0;
        if (range != null && range.stamp() == state.saveSequence) {
            TopicPartition partition = new TopicPartition(range.topic(), range.partition());
            long to = range.to() >= 0 ? range.to()
                    // Processing resumed at the committed offset, and no event of this model came since (it would
                    // have restored the model): everything it took in lies before the trigger, or before that offset.
                    : trigger != null && trigger.topic().equals(range.topic()) && trigger.partition() == range.partition()
                    ? trigger.offset()
                    : sourceLog().committedOffset(partition);
            readBack = readBack(state, declaration, range, partition, to);
        }
        while (true) {
            byte[] entryBytes = store.get(cycle.journalKey(cycle.journalLength));
            EventJournal.Entry entry = entryBytes == null ? null
                    : EventJournal.decode(entryBytes, event -> toInput(event, declaration));
            if (entry == null || entry.stamp() != state.saveSequence) {
                break;
            }
            cycle.journalLength++;
            cycle.journalling = true;
            train(state, entry.input(), entry.topicPartition(), entry.offset());
        }
        LOG.info("Model '{}' {}: version {}, {} events trained; {} events read back from {} and {} journalled events "
                + "replayed", declaration.modelId(), saved == null ? "created" : "restored", state.snapshotVersion,
                state.trainer.eventsTrained(), readBack, eventsTopic, cycle.journalLength);
        return state;
    }

    /**
     * A saved model under its declaration now. The start-up check refuses, by name, a configuration that the model's
     * last snapshot cannot take (see {@code SavedModelCheck}); a saved state with no snapshot yet is refused here,
     * stopping the app with the same message rather than training a model the configuration no longer describes.
     */
    private ModelState restore(byte[] saved, ModelDeclaration declaration, long now) {
        try {
            return ModelState.deserialise(saved, declaration, now,
                    notice -> LOG.warn("Model '{}' restored under new settings: {}", declaration.modelId(), notice));
        } catch (IncompatibleStateException e) {
            throw new IllegalStateException(catalog.refusal(declaration.modelId(), e), e);
        }
    }

    /**
     * Takes in again the events of {@code range} (in {@code partition}) up to {@code to} that this model took in;
     * returns how many.
     */
    private long readBack(ModelState state, ModelDeclaration declaration, EventJournal.SourceRange range,
            TopicPartition partition, long to) {
        String topicPartition = partition.toString();
        long[] count = {0};
        sourceLog().read(partition, range.from(), to, (offset, key, event) -> {
            // What the processor took in from the events topic: keyed by its own declared model id, valid and
            // labelled. The rest went elsewhere (another model, the repartition topic, the dead-letter topic) when it
            // first arrived; unlabelled events were scored and handed to the join, and what of them trained came
            // through the journal.
            if (state.modelId.equals(key) && key.equals(event.getModelId()) && event.getLabels() != null
                    && EventValidator.validate(event, declaration.featureCount(), declaration.labelIndex()) == null) {
                train(state, toInput(event, declaration), topicPartition, offset);
                count[0]++;
            }
        });
        state.cycle.sourceRange = range;
        state.cycle.sourceNext = to;
        return count[0];
    }

    /**
     * Gives the trainer an event of {@code topicPartition} at {@code offset}; returns the batch it completed, or null.
     * A failed model trains nothing (a restore goes on reading what it took in, and trains none of it after the
     * failure).
     */
    private BatchOutcome train(ModelState state, EventJournal.Input input, String topicPartition, long offset) {
        if (state.failure != null) {
            return null;
        }
        BatchOutcome outcome;
        try {
            outcome = intake.add(state.trainer, input);
        } catch (RuntimeException e) {
            fail(state, topicPartition + "@" + offset, e);
            return null;
        }
        state.cycle.notePending(topicPartition, offset);
        if (outcome != null) {
            state.cycle.trained(state.reflectedOffsets);
        }
        return outcome;
    }

    private static void fail(ModelState state, String at, RuntimeException e) {
        state.failure = e;
        state.failedAt = at;
    }

    static EventJournal.Input toInput(LabelledEvent event, ModelDeclaration declaration) {
        return EventJournal.Input.of(event, declaration.labelIndex(), declaration.labelNames().size());
    }

    /** "topic-partition"; the string is reused while the partition stays the same. */
    private String topicPartition(String topic, int partition) {
        if (!topic.equals(lastTopic) || partition != lastPartition) {
            lastTopic = topic;
            lastPartition = partition;
            lastTopicPartition = lastTopic + "-" + lastPartition;
        }
        return lastTopicPartition;
    }

    /** The events topic's reader, opened at the first restore that needs it (see {@link #closeIdleSourceLog}). */
    private SourceLog sourceLog() {
        if (sourceLog == null) {
            sourceLog = sourceLogs.get();
        }
        sourceLogUsedWallMs = clock.getAsLong();
        return sourceLog;
    }

    private void closeSourceLog() {
        if (sourceLog != null) {
            sourceLog.close();
            sourceLog = null;
        }
    }
}
