package dev.ballast.processor;

import dev.ballast.config.BallastConfig;
import dev.ballast.config.ModelDeclaration;
import dev.ballast.evaluation.drift.AlertGate;
import dev.ballast.feedback.LabelJoin;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.training.BatchOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model per model id (the record key) on the events of its partition. Each record is validated (what
 * cannot be used becomes a dead letter with the reason), taken in by its model through the {@link ModelStore}, which
 * keeps the models exactly-once across crashes, trained a mini-batch at a time, and what a batch or a punctuation
 * owes is emitted.
 *
 * <p>Outputs, each forwarded to the child node of its name (see {@link Output}): {@link #SNAPSHOTS} every
 * {@code ballast.snapshot.interval.steps} steps or {@code ballast.snapshot.interval.ms}, {@link #METRICS} every
 * {@code ballast.metrics.interval.ms}, {@link #ALERTS} when a detector fires or a step is skipped, {@link #PREDICTIONS}
 * for unlabelled events, and {@link #DEAD_LETTERS} for records that fail validation or that the timestamp extractor
 * marked (see {@link SourceHeaders}).
 *
 * <p>Serving and late labels: the processor also takes the labels topic ({@code LabelFeedback}). An event without
 * labels is scored with the model's last published snapshot ({@code Prediction}, emitted once, in the transaction
 * that consumes the event) and handed to the {@link LabelJoin}; what the join makes ready (an event with its late
 * labels, or one expired as all-negative) is taken in like a repartitioned event, with the probabilities it was served
 * for its prequential test. Such an event is never read back from the events topic (it is there without labels), so
 * a restore replays it from the store's journal exactly once.
 *
 * <p>A model whose trainer throws (a bug, not a property of the record) stops training, and only it: one
 * {@code MODEL_FAILED} alert and an ERROR log with the stack trace, then every later event it would train on is
 * dead-lettered ({@link Rejection#MODEL_FAILED}, with its labels, re-sendable once fixed) while the task's other models
 * go on; its unlabelled events are still scored with its last published snapshot. A restart restores it from its last
 * save and replays up to the failure (see {@link ModelStore}).
 */
public final class TrainingProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** Name of the changelogged store of model states and pending events (see {@link ModelStore}). */
    public static final String STORE = "ballast-models";

    /** Model snapshots, to the child node of this name (the model-update topic's sink). */
    public static final Output<ModelSnapshot> SNAPSHOTS = new Output<>("model-updates");
    /** Training metrics. */
    public static final Output<TrainingMetrics> METRICS = new Output<>("metrics");
    /** Imbalance alerts and skipped or unscored steps. */
    public static final Output<ImbalanceAlert> ALERTS = new Output<>("alerts");
    /** The scores served to unlabelled events. */
    public static final Output<Prediction> PREDICTIONS = new Output<>("predictions");
    /** Records the processor cannot use, with the reason. */
    public static final Output<DeadLetter> DEAD_LETTERS = new Output<>("dead-letters");

    private static final Logger LOG = LoggerFactory.getLogger(TrainingProcessor.class);

    private final BallastConfig config;
    private final String eventsTopic;
    private final int snapshotIntervalSteps;
    private final long snapshotIntervalMs;
    private final long metricsIntervalMs;
    private final long lingerMs;
    private final Map<String, ModelDeclaration> declarations = new HashMap<>();
    private final ModelStore models;
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
    /** Whether the models saved in the store have all been restored since the task was (re)initialised. */
    private boolean savedModelsRestored;
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
        this(config, sourceLogs, eventEncoder, ModelStore.TRAINER);
    }

    /** A processor whose trainers take events in through {@code intake} (tests make it throw, as a bug would). */
    TrainingProcessor(BallastConfig config, Supplier<SourceLog> sourceLogs, Serializer<LabelledEvent> eventEncoder,
            ModelStore.Intake intake) {
        this.eventEncoder = eventEncoder;
        this.config = config;
        this.eventsTopic = config.getString(BallastConfig.EVENTS_TOPIC);
        this.snapshotIntervalSteps = config.getInt(BallastConfig.SNAPSHOT_INTERVAL_STEPS);
        this.snapshotIntervalMs = config.getLong(BallastConfig.SNAPSHOT_INTERVAL_MS);
        this.metricsIntervalMs = config.getLong(BallastConfig.METRICS_INTERVAL_MS);
        this.lingerMs = config.getLong(BallastConfig.BATCH_LINGER_MS);
        this.join = new LabelJoin(config.feedbackSettings());
        // A model loaded (created, or restored before its replay) serves its last published snapshot, or, having
        // none, its untrained parameters.
        this.models = new ModelStore(config.models(), eventsTopic, sourceLogs,
                config.getInt(BallastConfig.STATE_SAVE_INTERVAL_BATCHES),
                loaded -> join.load(loaded.modelId, () -> snapshot(loaded, context.currentSystemTimeMs())), intake);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        models.init(context.getStateStore(STORE), context::currentSystemTimeMs);
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
        ModelState state = models.model(declaration, source);
        // A failed model still serves: its events are scored with its last published snapshot, and the join waits
        // for their labels (then dead-letters the labelled event); only what it would train on is dead-lettered.
        boolean failed = failed(state);
        if (event.getLabels() == null || join.settings().scoreLabelled()) {
            if (event.getLabels() == null && join.received(event)) {
                deadLetter(new Rejection(Rejection.DUPLICATE, "event id '" + EventValidator.shorten(event.getId())
                        + "' of model '" + modelId + "' was already received unlabelled; the first is kept"), record,
                        source, event.getId());
                return;
            }
            Prediction prediction = join.score(event, context.currentSystemTimeMs());
            emit(PREDICTIONS, modelId, prediction);
            if (event.getLabels() == null) {
                if (join.onEvent(event, prediction, origin(source, record.timestamp())) instanceof LabelJoin.Ready ready) {
                    takeInJoined(ready.joined(), source);
                }
                return;
            }
        }
        if (failed) {
            deadLetter(modelFailed(state), record, source, event.getId());
            return;
        }
        takeIn(state, declaration, ModelStore.toInput(event, declaration), source.topic(), source.partition(),
                source.offset());
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
        ModelState state = models.model(declaration, trigger);
        LabelJoin.Origin origin = joined.origin();
        if (failed(state)) {
            // The event with its labels, so that re-sending the dead letter trains it as it would have been.
            deadLetter(modelFailed(state), origin.topic(), origin.partition(), origin.offset(), joined.event().getId(),
                    state.modelId, encoded(joined.event()));
            return;
        }
        EventJournal.Input input = EventJournal.Input.of(joined.event(), declaration.labelIndex(),
                declaration.labelNames().size(), joined.served());
        takeIn(state, declaration, input, origin.topic(), origin.partition(), origin.offset());
    }

    private static LabelJoin.Origin origin(RecordMetadata source, long timestamp) {
        return new LabelJoin.Origin(source.topic(), source.partition(), source.offset(), timestamp);
    }

    /** Takes in an event the model trains on (see {@link ModelStore#takeIn}), then emits what a batch owes. */
    private void takeIn(ModelState state, ModelDeclaration declaration, EventJournal.Input input, String topic,
            int partition, long offset) {
        state.lastEventWallMs = context.currentSystemTimeMs();
        BatchOutcome outcome = models.takeIn(state, input, topic, partition, offset);
        if (outcome != null) {
            afterBatch(state, declaration, outcome, false);
        } else {
            // The event is taken in (a restore takes it in again) even when the trainer threw on it.
            failed(state);
        }
    }

    /**
     * Whether the model has stopped training because its trainer threw; the first time, says so: an ERROR log with
     * the stack trace and a {@code MODEL_FAILED} alert, and the model takes nothing more in (see {@link ModelStore}).
     */
    private boolean failed(ModelState state) {
        if (state.failure == null) {
            return false;
        }
        if (!state.failureAnnounced) {
            state.failureAnnounced = true;
            models.stopTakingIn(state);
            String message = "model stopped training: its trainer threw while taking in " + state.failedAt + " ("
                    + describe(state.failure) + "). This is a bug in Ballast, not in the input. The events it would train "
                    + "on are dead-lettered (" + Rejection.MODEL_FAILED + ") while the other models go on, and its "
                    + "unlabelled events are still scored with its last published snapshot; a restart "
                    + "restores it from its last save up to that input. Once fixed, re-send the dead letters with "
                    + "'ballast dead-letters --kind MODEL_FAILED --replay-to TOPIC'.";
            LOG.error("Model '{}': {}", state.modelId, message, state.failure);
            emit(ALERTS, state.modelId, OutputRecords.modelFailed(state.modelId, message,
                    state.trainer.eventsTrained(), context.currentSystemTimeMs()));
        }
        return true;
    }

    /** The exception's class and message, the message cut at 200 characters (it may quote anything). */
    private static String describe(RuntimeException failure) {
        String text = failure.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static Rejection modelFailed(ModelState state) {
        return new Rejection(Rejection.MODEL_FAILED, "model '" + state.modelId + "' stopped training after its trainer "
                + "threw at " + state.failedAt + " (" + describe(state.failure) + "); re-send this record once fixed");
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

    @Override
    public void close() {
        models.close();
    }

    /** After a mini-batch trained: emit what is due, then save the state when needed (see {@link ModelStore}). */
    private void afterBatch(ModelState state, ModelDeclaration declaration, BatchOutcome outcome, boolean timerFlush) {
        long now = context.currentSystemTimeMs();
        boolean published = false;
        if (state.alertGate == null) {
            state.alertGate = new AlertGate(declaration.labelNames(), config.forModel(state.modelId).alertSettings());
        }
        List<AlertGate.Alert> alerts = new ArrayList<>(state.alertGate.admit(outcome.signals(), now));
        if (state.alertGate.hasOpenConditions() && state.trainer.imbalanceMonitor() != null) {
            alerts.addAll(state.alertGate.resolve(state.trainer.imbalanceMonitor(), now));
        }
        for (AlertGate.Alert alert : alerts) {
            emit(ALERTS, state.modelId, OutputRecords.alert(state.modelId, alert, declaration.labelNames(),
                    state.trainer.eventsTrained(), now));
            published = true;
        }
        if (!outcome.scored()) {
            LOG.warn("Model '{}': predictions are not finite (diverged parameters); batch trained but not scored",
                    state.modelId);
            emit(ALERTS, state.modelId, OutputRecords.nonFiniteStep(state.modelId,
                    "predictions are not finite; the batch was not scored", state.trainer.eventsTrained(), now));
            published = true;
        }
        if (outcome.step().skipped()) {
            LOG.warn("Model '{}': optimiser step skipped ({}); keeping the last good parameters", state.modelId,
                    outcome.step().skipReason());
            emit(ALERTS, state.modelId, OutputRecords.nonFiniteStep(state.modelId, outcome.step().skipReason(),
                    state.trainer.eventsTrained(), now));
            published = true;
        }
        if (state.batchesTrained() - state.batchesAtLastSnapshot >= snapshotIntervalSteps) {
            publishSnapshot(state, declaration, now);
            published = true;
        }
        models.saveAfterBatch(state, published || timerFlush);
    }

    private void punctuate(long now) {
        if (!savedModelsRestored) {
            models.restoreSaved(this::declarationOf);
            savedModelsRestored = true;
        }
        models.closeIdleSourceLog(now);
        for (ModelState state : models.loaded()) {
            if (failed(state)) {
                continue;
            }
            ModelDeclaration declaration = declarations.get(state.modelId);
            if (state.trainer.pendingEvents() > 0 && now - state.lastEventWallMs >= lingerMs) {
                BatchOutcome outcome = models.trainPending(state);
                if (outcome == null) {
                    failed(state);
                    continue;
                }
                afterBatch(state, declaration, outcome, true);
            }
            boolean trainedSinceSnapshot = state.batchesTrained() > state.batchesAtLastSnapshot;
            if (trainedSinceSnapshot && now - state.lastSnapshotWallMs >= snapshotIntervalMs) {
                publishSnapshot(state, declaration, now);
                models.save(state);
            }
            long newEvents = state.trainer.eventsTrained() - state.eventsAtLastMetrics;
            if (newEvents > 0 && now - state.lastMetricsWallMs >= metricsIntervalMs) {
                double seconds = Math.max(1e-3, (now - state.lastMetricsWallMs) / 1000.0);
                TrainingMetrics metrics = OutputRecords.metrics(state.modelId, state.snapshotVersion, state.trainer,
                        newEvents / seconds, now);
                join.describe(state.modelId, metrics);
                emit(METRICS, state.modelId, metrics);
                state.lastMetricsWallMs = now;
                state.eventsAtLastMetrics = state.trainer.eventsTrained();
            }
        }
    }

    private void publishSnapshot(ModelState state, ModelDeclaration declaration, long now) {
        state.snapshotVersion++;
        state.batchesAtLastSnapshot = state.batchesTrained();
        state.lastSnapshotWallMs = now;
        ModelSnapshot snapshot = snapshot(state, now);
        join.published(snapshot);
        emit(SNAPSHOTS, state.modelId, snapshot);
    }

    /** The model as it stands, at its current snapshot version, with the hyper-parameters its trainer uses. */
    private static ModelSnapshot snapshot(ModelState state, long now) {
        return OutputRecords.snapshot(state.modelId, state.snapshotVersion, state.trainer,
                BallastConfig.hyperParameters(state.trainer.settings()), state.reflectedOffsets, now);
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
        emit(DEAD_LETTERS, key, OutputRecords.deadLetter(rejection, topic, partition, offset, eventId, keyBytes, value, now));
    }

    private <V extends SpecificRecord> void emit(Output<V> output, String key, V value) {
        output.forward(context, new Record<>(key, value, context.currentSystemTimeMs()));
    }
}
