package dev.ballast.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.feedback.LabelJoin;
import dev.ballast.schema.AlertKind;
import dev.ballast.schema.AlertSeverity;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * A trainer that throws (a bug, injected here through the processor's intake) fails its model and nothing else: the
 * task's other model trains on, the failed one raises one alert and dead-letters its later records, and a restart
 * under fixed code restores it up to the failure, so that re-sending the dead letters trains every event exactly once.
 */
class ModelFailureTest {

    private static final String EVENTS = "ballast.events";
    private static final String LABELS = "ballast.labels";
    /** The event whose intake throws, by its last feature. */
    private static final float POISON = 42f;
    private static final ModelStore.Intake BUGGY = (trainer, input) -> {
        if (input.values()[3] == POISON) {
            throw new IllegalStateException("injected training bug");
        }
        return ModelStore.TRAINER.add(trainer, input);
    };

    private final BallastConfig config = config();
    /** The events topic, partition 0: what a restore reads back. */
    private final List<LabelledEvent> source = new ArrayList<>();
    private KeyValueStore<String, byte[]> models = InMemoryStores.store(TrainingProcessor.STORE);
    private KeyValueStore<String, byte[]> join = InMemoryStores.store(LabelJoin.STORE);

    @Test
    void shouldFailOnlyTheModelWhoseTrainerThrowsAndTrainItsEventsOnceAfterAFixAndAReplay() {
        Random random = new Random(7);
        List<LabelledEvent> first = new ArrayList<>();
        List<LabelledEvent> a = new ArrayList<>();
        int poisonAt = -1;
        for (int i = 0; i < 400; i++) {
            LabelledEvent event = RandomEvents.event(random, random.nextInt(3) == 0 ? "b" : "a", 4);
            event.setId("e" + i);
            if (event.getModelId().equals("a")) {
                if (a.size() == 101) {
                    poisonAt = i;
                    ((DenseFeatures) event.getFeatures()).getValues().set(3, POISON);
                }
                a.add(event);
            }
            first.add(event);
        }
        long bEvents = first.size() - a.size();
        // After the failure, an event of "a" sent unlabelled, then its labels.
        LabelledEvent unlabelled = copyOf(a.get(0), "unlabelled");
        LabelledEvent labelled = copyOf(unlabelled, "unlabelled");
        unlabelled.setLabels(null);
        List<SpecificRecord> records = new ArrayList<>(first);
        records.add(unlabelled);
        records.add(new LabelFeedback("unlabelled", "a", labelled.getLabels(), java.time.Instant.ofEpochMilli(0)));

        List<SpecificRecord> run = run(BUGGY, records);

        List<ImbalanceAlert> failures = alerts(run, AlertKind.MODEL_FAILED);
        assertEquals(1, failures.size(), "one alert for the failure");
        assertEquals("a", failures.get(0).getModelId());
        assertEquals(AlertSeverity.CRITICAL, failures.get(0).getSeverity());
        assertTrue(failures.get(0).getMessage().contains(EVENTS + "-0@" + poisonAt), failures.get(0).getMessage());
        List<DeadLetter> deadLetters = outputs(run, DeadLetter.class);
        List<Long> expectedOffsets = new ArrayList<>();
        List<String> expectedSources = new ArrayList<>();
        for (int i = poisonAt + 1; i < first.size(); i++) {
            if (first.get(i).getModelId().equals("a")) {
                expectedOffsets.add((long) i);
                expectedSources.add(EVENTS + "@" + i);
            }
        }
        expectedSources.add(LABELS + "@0");
        assertEquals(expectedSources, deadLetters.stream().map(letter -> letter.getSourceTopic() + "@"
                + letter.getSourceOffset()).toList(), "each later event of the failed model, once (the unlabelled "
                + "one when its labels came, as the join's record); the one it failed on is taken in, not dead-lettered");
        assertEquals(List.of("unlabelled"), outputs(run, Prediction.class).stream()
                .map(prediction -> prediction.getEventId().toString()).toList(),
                "the failed model still scores its unlabelled events");
        assertTrue(deadLetters.stream().allMatch(letter -> letter.getErrorKind().equals(Rejection.MODEL_FAILED)));
        assertEquals(bEvents, last(run, "b").getEventsTrained(), "the other model trained every event");
        assertTrue(last(run, "a").getEventsTrained() <= 101, "nothing published after the failure");

        // Restarted under the same code: the restore replays up to the failure and fails there again, so the record
        // that restored the model is dead-lettered too.
        LabelledEvent late = copyOf(a.get(0), "late");
        List<SpecificRecord> again = run(BUGGY, List.of(late));
        assertEquals(1, alerts(again, AlertKind.MODEL_FAILED).size());
        assertEquals(List.of((long) first.size() + 1), outputs(again, DeadLetter.class).stream()
                .map(DeadLetter::getSourceOffset).toList(), "the record that restored the failed model");

        // Fixed code: the restore trains up to and with the event it failed on; the dead letters, re-sent, the rest.
        List<SpecificRecord> resent = new ArrayList<>();
        for (long offset : expectedOffsets) {
            resent.add(first.get((int) offset));
        }
        resent.add(labelled);
        resent.add(late);
        a.add(labelled);
        a.add(late);
        List<SpecificRecord> fixed = run(ModelStore.TRAINER, resent);
        assertTrue(alerts(fixed, AlertKind.MODEL_FAILED).isEmpty());
        assertTrue(outputs(fixed, DeadLetter.class).isEmpty());

        // The same as a model that never failed: every event of "a" trained once, in the same order.
        models = InMemoryStores.store(TrainingProcessor.STORE);
        join = InMemoryStores.store(LabelJoin.STORE);
        source.clear();
        ModelSnapshot reference = last(run(ModelStore.TRAINER, new ArrayList<>(a)), "a");
        ModelSnapshot restored = last(fixed, "a");
        assertEquals(a.size(), restored.getEventsTrained());
        assertEquals(reference.getEventsTrained(), restored.getEventsTrained());
        assertEquals(reference.getOptimizerSteps(), restored.getOptimizerSteps());
        assertEquals(reference.getParameters(), restored.getParameters(), "the same parameters, bit for bit");
    }

    /**
     * One life of the task on the stores as they stand: the events appended to the events topic and processed, then
     * time passes (linger, snapshot interval), and the life ends with everything committed.
     */
    private List<SpecificRecord> run(ModelStore.Intake intake, List<? extends SpecificRecord> records) {
        Properties properties = new Properties();
        properties.put("application.id", "app");
        properties.put("bootstrap.servers", "unused:9092");
        MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>(properties);
        context.setCurrentSystemTimeMs(1_700_000_000_000L);
        context.addStateStore(models);
        context.addStateStore(join);
        long committed = source.size();
        TrainingProcessor processor = new TrainingProcessor(config, () -> new SourceLog() {
            @Override
            public void read(TopicPartition partition, long from, long to, Visitor each) {
                for (long offset = from; offset < to; offset++) {
                    LabelledEvent event = source.get((int) offset);
                    each.accept(offset, event.getModelId(), event);
                }
            }

            @Override
            public long committedOffset(TopicPartition partition) {
                return committed;
            }

            @Override
            public void close() {
            }
        }, null, intake);
        processor.init(context);
        List<SpecificRecord> outputs = new ArrayList<>();
        long labelOffset = 0;
        for (SpecificRecord record : records) {
            if (record instanceof LabelledEvent event) {
                context.setRecordMetadata(EVENTS, 0, source.size());
                source.add(event);
                processor.process(new Record<>(event.getModelId(), event, 0L));
            } else {
                context.setRecordMetadata(LABELS, 0, labelOffset++);
                processor.process(new Record<>("a", record, 0L));
            }
            collect(context, outputs);
        }
        Punctuator punctuator = context.scheduledPunctuators().get(0).getPunctuator();
        long start = context.currentSystemTimeMs();
        for (long elapsed : new long[] {10, 1_100, 601_200}) {
            context.setCurrentSystemTimeMs(start + elapsed);
            punctuator.punctuate(start + elapsed);
        }
        collect(context, outputs);
        processor.close();
        return outputs;
    }

    private static void collect(MockProcessorContext<String, SpecificRecord> context, List<SpecificRecord> outputs) {
        context.forwarded().forEach(forward -> outputs.add(SpecificData.get().deepCopy(
                forward.record().value().getSchema(), forward.record().value())));
        context.resetForwards();
    }

    private static LabelledEvent copyOf(LabelledEvent event, String id) {
        LabelledEvent copy = LabelledEvent.newBuilder(event).build();
        copy.setId(id);
        return copy;
    }

    private static List<ImbalanceAlert> alerts(List<SpecificRecord> outputs, AlertKind kind) {
        return outputs(outputs, ImbalanceAlert.class).stream().filter(alert -> alert.getKind() == kind).toList();
    }

    private static ModelSnapshot last(List<SpecificRecord> outputs, String modelId) {
        List<ModelSnapshot> snapshots = outputs(outputs, ModelSnapshot.class).stream()
                .filter(snapshot -> snapshot.getModelId().equals(modelId)).toList();
        assertTrue(!snapshots.isEmpty(), "model " + modelId + " published");
        return snapshots.get(snapshots.size() - 1);
    }

    private static <T> List<T> outputs(List<SpecificRecord> outputs, Class<T> type) {
        return outputs.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static BallastConfig config() {
        Map<String, String> settings = RandomEvents.settings("a,b");
        settings.put(BallastConfig.STATE_SAVE_INTERVAL_BATCHES, "4");
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_STEPS, "5");
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "600000");
        settings.put(BallastConfig.METRICS_INTERVAL_MS, "600000");
        return new BallastConfig(settings);
    }
}
