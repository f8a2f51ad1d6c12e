package dev.ballast.processor;

import dev.ballast.config.BallastConfig;
import dev.ballast.evaluation.drift.ImbalanceSignal;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.SparseFeatures;
import dev.ballast.training.BatchOutcome;
import dev.ballast.training.OnlineTrainer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model per model id (the record key) on the events of its partition.
 *
 * <p>Exactly-once: a model's state is written to the changelogged store after every trained mini-batch, and each
 * event of the pending batch is written on arrival; with {@code exactly_once_v2} the store, the outputs and the
 * input offsets commit atomically, so after a crash every valid event is counted and trained on exactly once.
 * Trainers are cached in memory and reloaded from the store whenever the task is (re)initialised.
 *
 * <p>Outputs (to the downstream node, which routes them by type): {@code ModelSnapshot} every
 * {@code ballast.snapshot.interval.steps} steps or {@code ballast.snapshot.interval.ms}, {@code TrainingMetrics}
 * every {@code ballast.metrics.interval.ms}, {@code ImbalanceAlert} when a detector fires or a step is skipped, and
 * {@code DeadLetter} for events that fail validation.
 */
public final class TrainingProcessor implements Processor<String, LabelledEvent, String, SpecificRecord> {

    /** Name of the changelogged store of model states and pending events. */
    public static final String STORE = "ballast-models";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingProcessor.class);

    private final BallastConfig config;
    private final int snapshotIntervalSteps;
    private final long snapshotIntervalMs;
    private final long metricsIntervalMs;
    private final long lingerMs;
    private final int saveIntervalBatches;
    private final Map<String, ModelDeclaration> declarations = new HashMap<>();
    private final Map<String, ModelState> models = new HashMap<>();

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> store;

    public TrainingProcessor(BallastConfig config) {
        this.config = config;
        this.snapshotIntervalSteps = config.getInt(BallastConfig.SNAPSHOT_INTERVAL_STEPS);
        this.snapshotIntervalMs = config.getLong(BallastConfig.SNAPSHOT_INTERVAL_MS);
        this.metricsIntervalMs = config.getLong(BallastConfig.METRICS_INTERVAL_MS);
        this.lingerMs = config.getLong(BallastConfig.BATCH_LINGER_MS);
        this.saveIntervalBatches = config.getInt(BallastConfig.STATE_SAVE_INTERVAL_BATCHES);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        // A task re-initialised after an aborted transaction must reload from the (rolled-back) store.
        models.clear();
        long tick = Math.max(10, Math.min(lingerMs, Math.min(snapshotIntervalMs, metricsIntervalMs)) / 2);
        context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, LabelledEvent> record) {
        LabelledEvent event = record.value();
        RecordMetadata source = context.recordMetadata().orElseThrow();
        if (event == null) {
            deadLetter(new Rejection(Rejection.INVALID, "record has no value"), source, null, record.key());
            return;
        }
        String modelId = event.getModelId();
        if (!config.trainsModel(modelId)) {
            deadLetter(new Rejection(Rejection.UNKNOWN_MODEL, "model id '" + EventValidator.shorten(modelId) + "' is not declared in "
                    + BallastConfig.MODELS), source, event.getId(), record.key());
            return;
        }
        ModelDeclaration declaration = declarations.computeIfAbsent(modelId, id -> ModelDeclaration.of(config, id));
        Rejection rejection = EventValidator.validate(event, declaration.featureCount(), declaration.labelIndex());
        if (rejection != null) {
            deadLetter(rejection, source, event.getId(), record.key());
            return;
        }
        ModelState state = models.computeIfAbsent(modelId, id -> load(declaration));
        String topicPartition = source.topic() + "-" + source.partition();
        store.put(EventJournal.key(modelId, state.journalLength++),
                EventJournal.encode(new EventJournal.Entry(state.saveSequence, topicPartition, source.offset(), event)));
        state.lastEventWallMs = context.currentSystemTimeMs();
        BatchOutcome outcome = add(state, declaration, event);
        state.notePending(topicPartition, source.offset());
        if (outcome != null) {
            afterBatch(state, declaration, outcome, false);
        }
    }

    private static BatchOutcome add(ModelState state, ModelDeclaration declaration, LabelledEvent event) {
        float[] targets = new float[declaration.labelNames().size()];
        for (String label : event.getLabels()) {
            targets[declaration.labelIndex().get(label)] = 1f;
        }
        OnlineTrainer trainer = state.trainer;
        if (event.getFeatures() instanceof DenseFeatures dense) {
            List<Float> values = dense.getValues();
            float[] features = new float[values.size()];
            for (int i = 0; i < features.length; i++) {
                features[i] = values.get(i);
            }
            return trainer.addDense(features, targets, event.getImportance());
        }
        SparseFeatures sparse = (SparseFeatures) event.getFeatures();
        int[] indices = sparse.getIndices().stream().mapToInt(Integer::intValue).toArray();
        float[] values = new float[indices.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = sparse.getValues().get(i);
        }
        return trainer.addSparse(indices, values, targets, event.getImportance());
    }

    private ModelState load(ModelDeclaration declaration) {
        long now = context.currentSystemTimeMs();
        byte[] saved = store.get(declaration.modelId());
        ModelState state = saved == null
                ? new ModelState(declaration.modelId(), OnlineTrainer.create(declaration.trainerSettings(),
                        declaration.featureCount(), declaration.labelNames()), 0, 0, 0, Map.of(), now)
                : ModelState.deserialise(declaration.modelId(), saved, declaration.trainerSettings(), now);
        while (true) {
            byte[] entryBytes = store.get(EventJournal.key(declaration.modelId(), state.journalLength));
            EventJournal.Entry entry = entryBytes == null ? null : EventJournal.decode(entryBytes);
            if (entry == null || entry.stamp() != state.saveSequence) {
                break;
            }
            state.journalLength++;
            state.notePending(entry.topicPartition(), entry.offset());
            if (add(state, declaration, entry.event()) != null) {
                state.pendingTrained();
                state.batchesSinceSave++;
            }
        }
        LOG.info("Model '{}' {}: version {}, {} events trained, {} journalled events replayed", declaration.modelId(),
                saved == null ? "created" : "restored", state.snapshotVersion, state.trainer.eventsTrained(),
                state.journalLength);
        return state;
    }

    /** After a mini-batch trained: publish what is due, then save the state when needed (see the class doc). */
    private void afterBatch(ModelState state, ModelDeclaration declaration, BatchOutcome outcome, boolean timerFlush) {
        long now = context.currentSystemTimeMs();
        state.pendingTrained();
        state.batchesSinceSave++;
        boolean published = false;
        for (ImbalanceSignal signal : outcome.signals()) {
            emit(state.modelId, OutputRecords.alert(state.modelId, signal, declaration.labelNames(),
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
        store.put(state.modelId, state.serialise());
    }

    private void punctuate(long now) {
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
                emit(state.modelId, OutputRecords.metrics(state.modelId, state.snapshotVersion, state.trainer,
                        newEvents / seconds, now));
                state.lastMetricsWallMs = now;
                state.eventsAtLastMetrics = state.trainer.eventsTrained();
            }
        }
    }

    private void publishSnapshot(ModelState state, ModelDeclaration declaration, long now) {
        state.snapshotVersion++;
        state.batchesAtLastSnapshot = state.batchesTrained();
        state.lastSnapshotWallMs = now;
        emit(state.modelId, OutputRecords.snapshot(state.modelId, state.snapshotVersion, state.trainer,
                declaration.hyperParameters(), state.reflectedOffsets, now));
    }

    private void deadLetter(Rejection rejection, RecordMetadata source, String eventId, String key) {
        long now = context.currentSystemTimeMs();
        byte[] keyBytes = key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        emit(key, OutputRecords.deadLetter(rejection, source.topic(), source.partition(), source.offset(), eventId,
                keyBytes, null, now));
    }

    private void emit(String key, SpecificRecord value) {
        context.forward(new Record<>(key, value, context.currentSystemTimeMs()));
    }
}
