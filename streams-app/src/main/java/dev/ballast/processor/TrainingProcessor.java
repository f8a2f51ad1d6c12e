package dev.ballast.processor;

import dev.ballast.config.BallastConfig;
import dev.ballast.config.ModelDeclaration;
import dev.ballast.evaluation.drift.AlertGate;
import dev.ballast.evaluation.drift.ImbalanceSignal;
import dev.ballast.feedback.LabelJoin;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.learning.IncompatibleStateException;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.training.BatchOutcome;
import dev.ballast.training.OnlineTrainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model per model id (the record key) on the events of its partition.
 *
 * <p>Exactly-once: a model's whole state is written to the changelogged store every
 * {@code ballast.state.save.interval.batches} mini-batches and whenever it publishes; with {@code exactly_once_v2}
 * the store, the outputs and the input offsets commit atomically. What a model took in since its last save is
 * rebuilt on restore, in the order it was taken in, from two places:
 * <ul>
 *   <li>events that came straight from the events topic are read again from there ({@link SourceLog}), as Kafka
 *       Streams restores a table from its source topic: the store holds only where they start (one
 *       {@link EventJournal.SourceRange} per model and save cycle), and they end where the application's committed
 *       processing stands, or where the cycle's journal starts;</li>
 *   <li>once a repartitioned event (keyed by something else than its model id) arrives in a cycle, it and every
 *       event after it in that cycle are journalled one by one in the store ({@link EventJournal}): the repartition
 *       topic is purged as soon as it is consumed, so it cannot be read again.</li>
 * </ul>
 * So after a crash every valid event is counted and trained on exactly once, in its original order. Trainers are
 * cached in memory and reloaded from the store whenever the task is (re)initialised.
 *
 * <p>Outputs (to the downstream node, which routes them by type): {@code ModelSnapshot} every
 * {@code ballast.snapshot.interval.steps} steps or {@code ballast.snapshot.interval.ms}, {@code TrainingMetrics}
 * every {@code ballast.metrics.interval.ms}, {@code ImbalanceAlert} when a detector fires or a step is skipped, and
 * {@code DeadLetter} for events that fail validation or that the timestamp extractor marked (see {@link SourceHeaders}).
 *
 * <p>Serving and late labels: the processor also takes the labels topic ({@code LabelFeedback}). An event without
 * labels is scored with the model's last published snapshot ({@code Prediction}, emitted once, in the transaction
 * that consumes the event) and handed to the {@link LabelJoin}; what the join makes ready (an event with its late
 * labels, or one expired as all-negative) is taken in through the journal, like a repartitioned event, with the
 * probabilities it was served for its prequential test. Such an event is never read back from the events topic
 * (it is there without labels), so a restore replays it from the journal exactly once.
 */
public final class TrainingProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** Name of the changelogged store of model states and pending events. */
    public static final String STORE = "ballast-models";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingProcessor.class);
    private static final long SOURCE_LOG_IDLE_MS = 30_000;

    private final BallastConfig config;
    private final String eventsTopic;
    private final Supplier<SourceLog> sourceLogs;
    private final int snapshotIntervalSteps;
    private final long snapshotIntervalMs;
    private final long metricsIntervalMs;
    private final long lingerMs;
    private final int saveIntervalBatches;
    private final Map<String, ModelDeclaration> declarations = new HashMap<>();
    private final Map<String, ModelState> models = new HashMap<>();
    private final LabelJoin join;
    private final LabelJoin.Expiry expiry = new LabelJoin.Expiry() {
        @Override
        public void trainAsNegative(LabelJoin.Joined event) {
            takeInJoined(event, null);
        }

        @Override
        public void orphaned(LabelFeedback label, LabelJoin.Origin origin, String reason) {
            deadLetter(new Rejection(Rejection.ORPHAN_LABEL, reason), origin.topic(), origin.partition(),
                    origin.offset(), label.getEventId(), label.getModelId());
        }
    };

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> store;
    private SourceLog sourceLog;
    private long sourceLogUsedWallMs;
    /** Whether the models saved in the store have all been restored since the task was (re)initialised. */
    private boolean savedModelsRestored;
    private String lastTopic;
    private int lastPartition;
    private String lastTopicPartition;
    private final Serializer<LabelledEvent> eventEncoder;

    /** A processor whose dead letters carry no event bytes (see the other constructor). */
    public TrainingProcessor(BallastConfig config, Supplier<SourceLog> sourceLogs) {
        this(config, sourceLogs, null);
    }

    /**
     * @param sourceLogs   opens the events topic for reading back (called at the first restore that needs it)
     * @param eventEncoder the events topic's serialiser: a rejected event's dead letter carries it encoded, or null
     */
    public TrainingProcessor(BallastConfig config, Supplier<SourceLog> sourceLogs, Serializer<LabelledEvent> eventEncoder) {
        this.eventEncoder = eventEncoder;
        this.config = config;
        this.eventsTopic = config.getString(BallastConfig.EVENTS_TOPIC);
        this.sourceLogs = sourceLogs;
        this.snapshotIntervalSteps = config.getInt(BallastConfig.SNAPSHOT_INTERVAL_STEPS);
        this.snapshotIntervalMs = config.getLong(BallastConfig.SNAPSHOT_INTERVAL_MS);
        this.metricsIntervalMs = config.getLong(BallastConfig.METRICS_INTERVAL_MS);
        this.lingerMs = config.getLong(BallastConfig.BATCH_LINGER_MS);
        this.saveIntervalBatches = config.getInt(BallastConfig.STATE_SAVE_INTERVAL_BATCHES);
        this.join = new LabelJoin(config.feedbackSettings());
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        // A task re-initialised after an aborted transaction must reload from the (rolled-back) store.
        models.clear();
        join.init(context.getStateStore(LabelJoin.STORE));
        savedModelsRestored = false;
        long tick = Math.max(10, Math.min(lingerMs, Math.min(snapshotIntervalMs, metricsIntervalMs)) / 2);
        context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        // Expire what is due before this record's time, so that a replay joins exactly as the first run did.
        join.advance(record.timestamp(), expiry);
        if (record.value() instanceof LabelFeedback label) {
            processLabel(record.key(), label, source, record.timestamp());
            return;
        }
        LabelledEvent event = (LabelledEvent) record.value();
        if (event == null) {
            deadLetter(new Rejection(Rejection.INVALID, "record has no value"), record, source, null);
            return;
        }
        Long invalidTimestamp = SourceHeaders.invalidTimestamp(record.headers());
        if (invalidTimestamp != null) {
            deadLetter(new Rejection(Rejection.INVALID_TIMESTAMP, "record timestamp " + invalidTimestamp
                    + " is negative (missing) and " + BallastConfig.EVENTS_INVALID_TIMESTAMP + " is dead-letter"),
                    record, source, event.getId());
            return;
        }
        String modelId = event.getModelId();
        ModelDeclaration declaration = declarationOf(modelId);
        if (declaration == null) {
            deadLetter(new Rejection(Rejection.UNKNOWN_MODEL, "model id '" + EventValidator.shorten(modelId)
                    + "' is not declared in " + BallastConfig.MODELS), record, source, event.getId());
            return;
        }
        Rejection rejection = EventValidator.validate(event, declaration.featureCount(), declaration.labelIndex());
        if (rejection != null) {
            deadLetter(rejection, record, source, event.getId());
            return;
        }
        ModelState state = modelState(declaration, source);
        if (event.getLabels() == null || join.settings().scoreLabelled()) {
            if (event.getLabels() == null && join.received(event)) {
                deadLetter(new Rejection(Rejection.DUPLICATE, "event id '" + EventValidator.shorten(event.getId())
                        + "' of model '" + modelId + "' was already received unlabelled; the first is kept"), record,
                        source, event.getId());
                return;
            }
            Prediction prediction = join.score(event, context.currentSystemTimeMs());
            emit(modelId, prediction);
            if (event.getLabels() == null) {
                if (join.onEvent(event, prediction, origin(source, record.timestamp())) instanceof LabelJoin.Ready ready) {
                    takeInJoined(ready.joined(), source);
                }
                return;
            }
        }
        takeIn(state, declaration, toInput(event, declaration), source.topic(), source.partition(), source.offset());
    }

    /** Labels of an event sent unlabelled: checked, then joined with their event (see {@link LabelJoin}). */
    private void processLabel(String key, LabelFeedback label, RecordMetadata source, long timestamp) {
        String modelId = label.getModelId();
        ModelDeclaration declaration = declarationOf(modelId);
        Rejection rejection = declaration == null
                ? new Rejection(Rejection.UNKNOWN_MODEL, "model id '" + EventValidator.shorten(modelId)
                        + "' is not declared in " + BallastConfig.MODELS)
                : !modelId.equals(key)
                ? new Rejection(Rejection.INVALID, "label keyed '" + (key == null ? "" : EventValidator.shorten(key))
                        + "' for model '" + EventValidator.shorten(modelId) + "': the labels topic is keyed by model "
                        + "id, as its events are")
                : EventValidator.checkLabels(label.getLabels(), modelId, declaration.labelIndex());
        if (rejection != null) {
            deadLetter(rejection, source.topic(), source.partition(), source.offset(), label.getEventId(), key);
            return;
        }
        LabelJoin.Result result = join.onLabel(label, origin(source, timestamp));
        if (result instanceof LabelJoin.Ready ready) {
            takeInJoined(ready.joined(), source);
        } else if (result instanceof LabelJoin.Duplicate duplicate) {
            deadLetter(new Rejection(Rejection.DUPLICATE, duplicate.reason()), source.topic(), source.partition(),
                    source.offset(), label.getEventId(), key);
        }
    }

    /** Trains an event the join made ready, through the journal (see the class doc). */
    private void takeInJoined(LabelJoin.Joined joined, RecordMetadata trigger) {
        ModelDeclaration declaration = declarationOf(joined.event().getModelId());
        ModelState state = modelState(declaration, trigger);
        EventJournal.Input input = EventJournal.Input.of(joined.event(), declaration.labelIndex(),
                declaration.labelNames().size(), joined.served());
        LabelJoin.Origin origin = joined.origin();
        takeIn(state, declaration, input, origin.topic(), origin.partition(), origin.offset());
    }

    private static LabelJoin.Origin origin(RecordMetadata source, long timestamp) {
        return new LabelJoin.Origin(source.topic(), source.partition(), source.offset(), timestamp);
    }

    /** The model's state, restored at its first record since the task was (re)initialised. */
    private ModelState modelState(ModelDeclaration declaration, RecordMetadata trigger) {
        ModelState state = models.get(declaration.modelId());
        if (state == null) {
            state = load(declaration, trigger);
            models.put(declaration.modelId(), state);
        }
        return state;
    }

    /**
     * Takes in an event the model trains on: noted as part of the cycle's range of the events topic when it came
     * straight from there with its labels, journalled otherwise (see the class doc).
     */
    private void takeIn(ModelState state, ModelDeclaration declaration, EventJournal.Input input, String topic,
            int partition, long offset) {
        String topicPartition = topicPartition(topic, partition);
        if (!state.journalling && input.served() == null && topic.equals(eventsTopic)
                && (state.sourceRange == null || state.sourceRange.partition() == partition)) {
            // Found again in the events topic on restore: only the first of the cycle's events is noted.
            if (state.sourceRange == null) {
                state.sourceRange = new EventJournal.SourceRange(state.saveSequence, topic, partition, offset, -1);
                store.put(state.sourceRangeKey, state.sourceRange.encode());
            }
            state.sourceNext = offset + 1;
        } else {
            if (!state.journalling) {
                state.journalling = true;
                if (state.sourceRange != null) {
                    state.sourceRange = state.sourceRange.closedAt(state.sourceNext);
                    store.put(state.sourceRangeKey, state.sourceRange.encode());
                }
            }
            store.put(state.journalKey(state.journalLength++),
                    EventJournal.encode(state.saveSequence, topicPartition, offset, input));
        }
        state.lastEventWallMs = context.currentSystemTimeMs();
        BatchOutcome outcome = add(state, input);
        state.notePending(topicPartition, offset);
        if (outcome != null) {
            afterBatch(state, declaration, outcome, false);
        }
    }

    /** What the configuration declares about a model id (kept once looked up), or null if it trains no such model. */
    private ModelDeclaration declarationOf(String modelId) {
        ModelDeclaration declaration = declarations.get(modelId);
        if (declaration == null) {
            declaration = config.models().declaration(modelId).orElse(null);
            if (declaration != null) {
                declarations.put(modelId, declaration);
            }
        }
        return declaration;
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

    private static EventJournal.Input toInput(LabelledEvent event, ModelDeclaration declaration) {
        return EventJournal.Input.of(event, declaration.labelIndex(), declaration.labelNames().size());
    }

    private static BatchOutcome add(ModelState state, EventJournal.Input input) {
        OnlineTrainer trainer = state.trainer;
        return input.indices() == null
                ? trainer.addDense(input.values(), input.targets(), input.importance(), input.served())
                : trainer.addSparse(input.indices(), input.values(), input.targets(), input.importance(), input.served());
    }

    /**
     * Restores a model (or creates it): its last save, then what it took in since, in order (see the class doc).
     *
     * @param trigger the record being processed, the first of this model since the task was (re)initialised; null
     *                when the model is restored without one (see {@link #restoreSavedModels})
     */
    private ModelState load(ModelDeclaration declaration, RecordMetadata trigger) {
        long now = context.currentSystemTimeMs();
        byte[] saved = store.get(declaration.modelId());
        ModelState state = saved == null
                ? new ModelState(declaration.modelId(), OnlineTrainer.create(declaration.trainerSettings(),
                        declaration.featureCount(), declaration.labelNames()), 0, 0, 0, Map.of(), now)
                : restore(saved, declaration, now);
        ModelState loaded = state;
        join.load(declaration.modelId(), () -> OutputRecords.snapshot(loaded.modelId, loaded.snapshotVersion,
                loaded.trainer, BallastConfig.hyperParameters(loaded.trainer.settings()), loaded.reflectedOffsets, now));
        byte[] rangeBytes = store.get(state.sourceRangeKey);
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
            byte[] entryBytes = store.get(state.journalKey(state.journalLength));
            EventJournal.Entry entry = entryBytes == null ? null
                    : EventJournal.decode(entryBytes, event -> toInput(event, declaration));
            if (entry == null || entry.stamp() != state.saveSequence) {
                break;
            }
            state.journalLength++;
            state.journalling = true;
            takeInRestored(state, entry.input(), entry.topicPartition(), entry.offset());
        }
        LOG.info("Model '{}' {}: version {}, {} events trained; {} events read back from {} and {} journalled events "
                + "replayed", declaration.modelId(), saved == null ? "created" : "restored", state.snapshotVersion,
                state.trainer.eventsTrained(), readBack, eventsTopic, state.journalLength);
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
            throw new IllegalStateException(config.models().refusal(declaration.modelId(), e), e);
        }
    }

    /**
     * Restores the models of this task's store that no event has restored yet. A model restores at its first event
     * after the task starts; one whose stream has gone quiet would otherwise never publish what it owes (a partial
     * batch, the snapshot of its last trained events) after a restart, and the model-update topic would stay behind
     * the trained state until its next event.
     */
    private void restoreSavedModels() {
        Set<String> saved = new TreeSet<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                String key = all.next().key;
                int separator = key.indexOf('\0');
                saved.add(separator < 0 ? key : key.substring(0, separator));
            }
        }
        for (String modelId : saved) {
            ModelDeclaration declaration = models.containsKey(modelId) ? null : declarationOf(modelId);
            if (declaration != null) {
                models.put(modelId, load(declaration, null));
            }
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
            // What process() took in from the events topic: keyed by its own declared model id, and valid. The rest
            // went elsewhere (another model, the repartition topic, the dead-letter topic) when it first arrived.
            // Unlabelled events were scored and handed to the join: what of them trained came through the journal.
            if (state.modelId.equals(key) && key.equals(event.getModelId()) && event.getLabels() != null
                    && EventValidator.validate(event, declaration.featureCount(), declaration.labelIndex()) == null) {
                takeInRestored(state, toInput(event, declaration), topicPartition, offset);
                count[0]++;
            }
        });
        state.sourceRange = range;
        state.sourceNext = to;
        return count[0];
    }

    /** Trains a restored event as process() did; no batch in a restored cycle published or saved (that ends one). */
    private static void takeInRestored(ModelState state, EventJournal.Input input, String topicPartition, long offset) {
        state.notePending(topicPartition, offset);
        if (add(state, input) != null) {
            state.pendingTrained();
            state.batchesSinceSave++;
        }
    }

    /** The events topic's reader, opened at the first restore that needs it and closed once restores are over. */
    private SourceLog sourceLog() {
        if (sourceLog == null) {
            sourceLog = sourceLogs.get();
        }
        sourceLogUsedWallMs = context.currentSystemTimeMs();
        return sourceLog;
    }

    private void closeSourceLog() {
        if (sourceLog != null) {
            sourceLog.close();
            sourceLog = null;
        }
    }

    @Override
    public void close() {
        closeSourceLog();
    }

    /** After a mini-batch trained: publish what is due, then save the state when needed (see the class doc). */
    private void afterBatch(ModelState state, ModelDeclaration declaration, BatchOutcome outcome, boolean timerFlush) {
        long now = context.currentSystemTimeMs();
        state.pendingTrained();
        state.batchesSinceSave++;
        boolean published = false;
        if (state.alertGate == null) {
            state.alertGate = new AlertGate(declaration.labelNames(), config.forModel(state.modelId).alertSettings());
        }
        List<AlertGate.Alert> alerts = new ArrayList<>(state.alertGate.admit(outcome.signals(), now));
        if (state.alertGate.hasOpenConditions() && state.trainer.imbalanceMonitor() != null) {
            alerts.addAll(state.alertGate.resolve(state.trainer.imbalanceMonitor(), now));
        }
        for (AlertGate.Alert alert : alerts) {
            emit(state.modelId, OutputRecords.alert(state.modelId, alert, declaration.labelNames(),
                    state.trainer.eventsTrained(), now));
            published = true;
        }
        if (!outcome.scored()) {
            LOG.warn("Model '{}': predictions are not finite (diverged parameters); batch trained but not scored",
                    state.modelId);
            emit(state.modelId, OutputRecords.nonFiniteStep(state.modelId,
                    "predictions are not finite; the batch was not scored", state.trainer.eventsTrained(), now));
            published = true;
        }
        if (outcome.step().skipped()) {
            LOG.warn("Model '{}': optimiser step skipped ({}); keeping the last good parameters", state.modelId,
                    outcome.step().skipReason());
            emit(state.modelId, OutputRecords.nonFiniteStep(state.modelId, outcome.step().skipReason(),
                    state.trainer.eventsTrained(), now));
            published = true;
        }
        if (state.batchesTrained() - state.batchesAtLastSnapshot >= snapshotIntervalSteps) {
            publishSnapshot(state, declaration, now);
            published = true;
        }
        if (published || timerFlush || state.batchesSinceSave >= saveIntervalBatches) {
            save(state);
        }
    }

    private void save(ModelState state) {
        state.saveSequence++;
        state.journalLength = 0;
        state.batchesSinceSave = 0;
        state.sourceRange = null;
        state.journalling = false;
        store.put(state.modelId, state.serialise());
    }

    private void punctuate(long now) {
        if (!savedModelsRestored) {
            restoreSavedModels();
            savedModelsRestored = true;
        }
        // Models restore at their first event after the task starts; a reader idle this long has done its work, and
        // keeping its consumer and admin client for the task's lifetime would only hold connections.
        if (sourceLog != null && now - sourceLogUsedWallMs >= SOURCE_LOG_IDLE_MS) {
            closeSourceLog();
        }
        for (ModelState state : models.values()) {
            ModelDeclaration declaration = declarations.get(state.modelId);
            if (state.trainer.pendingEvents() > 0 && now - state.lastEventWallMs >= lingerMs) {
                afterBatch(state, declaration, state.trainer.trainPending(), true);
            }
            boolean trainedSinceSnapshot = state.batchesTrained() > state.batchesAtLastSnapshot;
            if (trainedSinceSnapshot && now - state.lastSnapshotWallMs >= snapshotIntervalMs) {
                publishSnapshot(state, declaration, now);
                save(state);
            }
            long newEvents = state.trainer.eventsTrained() - state.eventsAtLastMetrics;
            if (newEvents > 0 && now - state.lastMetricsWallMs >= metricsIntervalMs) {
                double seconds = Math.max(1e-3, (now - state.lastMetricsWallMs) / 1000.0);
                TrainingMetrics metrics = OutputRecords.metrics(state.modelId, state.snapshotVersion, state.trainer,
                        newEvents / seconds, now);
                join.describe(state.modelId, metrics);
                emit(state.modelId, metrics);
                state.lastMetricsWallMs = now;
                state.eventsAtLastMetrics = state.trainer.eventsTrained();
            }
        }
    }

    private void publishSnapshot(ModelState state, ModelDeclaration declaration, long now) {
        state.snapshotVersion++;
        state.batchesAtLastSnapshot = state.batchesTrained();
        state.lastSnapshotWallMs = now;
        ModelSnapshot snapshot = OutputRecords.snapshot(state.modelId, state.snapshotVersion, state.trainer,
                BallastConfig.hyperParameters(state.trainer.settings()), state.reflectedOffsets, now);
        join.published(snapshot);
        emit(state.modelId, snapshot);
    }

    /**
     * Dead-letters the record, naming its place in the events topic: for a repartitioned record, the place its
     * headers carry (only a record from the repartition topic is trusted with them).
     */
    private void deadLetter(Rejection rejection, Record<String, SpecificRecord> record, RecordMetadata source,
            String eventId) {
        SourceHeaders.Coordinates original = source.topic().equals(eventsTopic) ? null
                : SourceHeaders.coordinates(record.headers());
        byte[] value = record.value() instanceof LabelledEvent event ? encoded(event) : null;
        if (original == null) {
            deadLetter(rejection, source.topic(), source.partition(), source.offset(), eventId, record.key(), value);
        } else {
            deadLetter(rejection, original.topic(), original.partition(), original.offset(), eventId, record.key(),
                    value);
        }
    }

    /**
     * A rejected event as the events topic's serialiser writes it, so that {@code ballast dead-letters --replay-to}
     * can re-send it once its cause is fixed (the processor sees the decoded event, not the bytes it came in); null
     * when it cannot be encoded (the dead letter then says where the original is).
     */
    private byte[] encoded(LabelledEvent event) {
        if (eventEncoder == null) {
            return null;
        }
        try {
            return eventEncoder.serialize(eventsTopic, event);
        } catch (RuntimeException e) {
            LOG.debug("Could not re-encode rejected event {} for its dead letter: {}", event.getId(), e.toString());
            return null;
        }
    }

    private void deadLetter(Rejection rejection, String topic, int partition, long offset, String eventId, String key) {
        deadLetter(rejection, topic, partition, offset, eventId, key, null);
    }

    private void deadLetter(Rejection rejection, String topic, int partition, long offset, String eventId, String key,
            byte[] value) {
        long now = context.currentSystemTimeMs();
        byte[] keyBytes = key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        emit(key, OutputRecords.deadLetter(rejection, topic, partition, offset, eventId, keyBytes, value, now));
    }

    private void emit(String key, SpecificRecord value) {
        context.forward(new Record<>(key, value, context.currentSystemTimeMs()));
    }
}
