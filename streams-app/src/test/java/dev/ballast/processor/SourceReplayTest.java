package dev.ballast.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.feedback.LabelJoin;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import java.time.Instant;
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
 * A model restored after a crash equals the model that never crashed: its last save, then the events it took in
 * since, in their order, read back from the events topic up to where the journal of repartitioned events starts,
 * then the journal. The store is rolled back to a commit point as exactly-once does; the input is a mix of the
 * two models' events, events keyed by something else (routed through the repartition topic, so they arrive later,
 * on the other input), invalid events and events of an undeclared model.
 */
class SourceReplayTest {

    private static final String EVENTS = "ballast.events";
    private static final String REPARTITION = "app-by-model-id-repartition";
    private static final String LABELS = "ballast.labels";
    private static final long LABEL_DELAY_MS = 2_000;
    private static final List<String> MODELS = List.of("default", "second");

    /** One record as the training processor sees it: an event, or labels. */
    private record Step(String topic, long offset, String key, SpecificRecord event, long sourcePositionAfter,
            long timestamp) {

        Step(String topic, long offset, String key, LabelledEvent event, long sourcePositionAfter) {
            this(topic, offset, key, event, sourcePositionAfter, 0L);
        }
    }

    /** The processor's stores, rolled back together as an aborted transaction rolls them back. */
    private record State(KeyValueStore<String, byte[]> models, KeyValueStore<String, byte[]> join) {

        static State empty() {
            return new State(InMemoryStores.store(TrainingProcessor.STORE), InMemoryStores.store(LabelJoin.STORE));
        }

        State copy() {
            return new State(InMemoryStores.copy(models), InMemoryStores.copy(join));
        }
    }

    /** A record of the events topic (what a {@link SourceLog} reads back). */
    private record SourceRecord(long offset, String key, LabelledEvent event) {
    }

    private final List<Step> steps = new ArrayList<>();
    private final List<SourceRecord> source = new ArrayList<>();
    private final BallastConfig config = config();
    private int reads;
    private int committedLookups;
    private int opened;
    private int closed;

    @Test
    void shouldRestoreExactlyTheModelThatNeverCrashed() {
        for (long seed = 1; seed <= 8; seed++) {
            steps.clear();
            source.clear();
            Random random = new Random(seed);
            generate(random, 1_500);

            List<SpecificRecord> reference = run(new ArrayList<>(), 0, steps.size(), State.empty(), null);
            List<SpecificRecord> crashed = runWithCrashes(random);

            assertSameSnapshots(seed, snapshots(reference), snapshots(crashed));
            assertEquals(count(reference, DeadLetter.class), count(crashed, DeadLetter.class), "seed " + seed
                    + ": dead letters");
            assertTrue(snapshots(reference).size() > 20, "snapshots " + snapshots(reference).size());
        }
        assertTrue(reads > 0, "restores read events back from the events topic");
        assertTrue(committedLookups > 0, "a restore triggered by a repartitioned event looked up the committed offset");
    }

    @Test
    void shouldScoreEachUnlabelledEventOnceAndTrainEveryJoinedEventOnceAcrossCrashes() {
        for (long seed = 1; seed <= 6; seed++) {
            steps.clear();
            source.clear();
            Random random = new Random(seed);
            long[] sent = generateWithLateLabels(random, 1_500);

            List<SpecificRecord> reference = run(new ArrayList<>(), 0, steps.size(), State.empty(), null);
            List<SpecificRecord> crashed = runWithCrashes(random);

            assertSameSnapshots(seed, snapshots(reference), snapshots(crashed));
            List<Prediction> predictions = outputs(crashed, Prediction.class);
            assertEquals(sent[1], predictions.size(), "seed " + seed + ": one prediction per unlabelled event");
            assertEquals(sent[1], predictions.stream().map(Prediction::getEventId).distinct().count());
            assertEquals(outputs(reference, Prediction.class), predictions, "seed " + seed + ": the same scores");
            assertEquals(count(reference, DeadLetter.class), count(crashed, DeadLetter.class), "seed " + seed
                    + ": dead letters (orphan and duplicate labels)");
            List<ModelSnapshot> published = snapshots(reference);
            assertTrue(published.get(published.size() - 1).getEventsTrained() > sent[0] + sent[1] / 2,
                    "seed " + seed + ": joined and expired events trained beside the " + sent[0] + " labelled ones");
        }
    }

    @Test
    void shouldPublishWhatAModelOwesAfterARestartWithoutWaitingForItsNextEvent() {
        generate(new Random(5), 1_500);
        // The reference never restarts: after the last record, time passes (linger, then the snapshot interval).
        List<SpecificRecord> reference = new ArrayList<>();
        State store = State.empty();
        MockProcessorContext<String, SpecificRecord> context = context(store);
        TrainingProcessor processor = processor(context, null);
        process(processor, context, reference, 0, steps.size());
        State committed = store.copy();
        List<ModelSnapshot> owed = snapshots(letTimePass(context));
        processor.close();

        // Killed right after committing the last record: no event will come to restore its models.
        MockProcessorContext<String, SpecificRecord> restarted = context(committed);
        TrainingProcessor again = processor(restarted, committedPosition(steps.size()));
        List<SpecificRecord> afterRestart = letTimePass(restarted);
        again.close();

        assertTrue(!owed.isEmpty(), "the input leaves a model owing a snapshot");
        assertSameSnapshots(5, owed, snapshots(afterRestart));
    }

    /** Runs the punctuator as wall-clock time passes: linger (1 s), then the snapshot interval (600 s). */
    private static List<SpecificRecord> letTimePass(MockProcessorContext<String, SpecificRecord> context) {
        List<SpecificRecord> outputs = new ArrayList<>();
        Punctuator punctuator = context.scheduledPunctuators().get(0).getPunctuator();
        long start = context.currentSystemTimeMs();
        for (long elapsed : new long[] {10, 1_100, 601_200}) {
            context.setCurrentSystemTimeMs(start + elapsed);
            punctuator.punctuate(start + elapsed);
        }
        context.forwarded().forEach(forward -> outputs.add(SpecificData.get().deepCopy(
                forward.record().value().getSchema(), forward.record().value())));
        context.resetForwards();
        return outputs;
    }

    @Test
    void shouldCloseTheEventsTopicReaderOnceRestoresAreOver() {
        generate(new Random(1), 1_500);
        // Find a commit point after which the first record restores a model from the events topic.
        for (int commitAt = 1; commitAt < steps.size(); commitAt++) {
            State store = State.empty();
            run(new ArrayList<>(), 0, commitAt, store, null);
            MockProcessorContext<String, SpecificRecord> context = context(store);
            TrainingProcessor processor = processor(context, committedPosition(commitAt));
            process(processor, context, new ArrayList<>(), commitAt, commitAt + 1);
            if (opened == 0) {
                processor.close();
                continue;
            }
            Punctuator punctuator = context.scheduledPunctuators().get(0).getPunctuator();
            punctuator.punctuate(context.currentSystemTimeMs() + 29_000);
            assertEquals(0, closed, "a reader used in the last 30 s stays open");
            punctuator.punctuate(context.currentSystemTimeMs() + 30_000);
            assertEquals(1, closed, "closed once restores are over");
            processor.close();
            assertEquals(1, closed, "not closed twice");
            return;
        }
        throw new AssertionError("no commit point restores from the events topic");
    }

    /** Lives that each process a stretch, commit somewhere in it, and crash; the next life starts at that commit. */
    private List<SpecificRecord> runWithCrashes(Random random) {
        List<SpecificRecord> committed = new ArrayList<>();
        State committedStore = State.empty();
        int committedStep = 0;
        while (true) {
            int crashAt = committedStep + 1 + random.nextInt(120);
            if (crashAt >= steps.size()) {
                run(committed, committedStep, steps.size(), committedStore.copy(), committedPosition(committedStep));
                return committed;
            }
            int commitAt = committedStep + 1 + random.nextInt(crashAt - committedStep);
            State working = committedStore.copy();
            List<SpecificRecord> outputs = new ArrayList<>();
            Long position = committedPosition(committedStep);
            MockProcessorContext<String, SpecificRecord> context = context(working);
            TrainingProcessor processor = processor(context, position);
            process(processor, context, outputs, committedStep, commitAt);
            // Commit: the store and the outputs so far become durable together, with the input position.
            committedStore = working.copy();
            committed.addAll(outputs);
            process(processor, context, new ArrayList<>(), commitAt, crashAt);
            processor.close();
            committedStep = commitAt;
        }
    }

    private List<SpecificRecord> run(List<SpecificRecord> outputs, int from, int to, State store,
            Long committedPosition) {
        MockProcessorContext<String, SpecificRecord> context = context(store);
        TrainingProcessor processor = processor(context, committedPosition);
        process(processor, context, outputs, from, to);
        processor.close();
        return outputs;
    }

    private void process(TrainingProcessor processor, MockProcessorContext<String, SpecificRecord> context,
            List<SpecificRecord> outputs, int from, int to) {
        for (int i = from; i < to; i++) {
            Step step = steps.get(i);
            context.setRecordMetadata(step.topic(), 0, step.offset());
            processor.process(new Record<>(step.key(), step.event(), step.timestamp()));
            // Copied as they are sent: a snapshot shares its offsets map with the live model until serialised.
            context.forwarded().forEach(forward -> outputs.add(SpecificData.get().deepCopy(
                    forward.record().value().getSchema(), forward.record().value())));
            context.resetForwards();
        }
    }

    /** The committed offset of the events partition after the first {@code step} steps: all it had consumed. */
    private Long committedPosition(int step) {
        return step == 0 ? 0L : steps.get(step - 1).sourcePositionAfter();
    }

    private TrainingProcessor processor(MockProcessorContext<String, SpecificRecord> context, Long committedPosition) {
        TrainingProcessor processor = new TrainingProcessor(config, () -> {
            opened++;
            return new SourceLog() {
                @Override
                public void read(TopicPartition partition, long from, long to, Visitor each) {
                    assertEquals(new TopicPartition(EVENTS, 0), partition);
                    assertTrue(from <= to && to <= source.size(), "reads only what was consumed: " + from + ".." + to);
                    reads++;
                    for (SourceRecord record : source.subList((int) from, (int) to)) {
                        each.accept(record.offset(), record.key(), record.event());
                    }
                }

                @Override
                public long committedOffset(TopicPartition partition) {
                    committedLookups++;
                    return committedPosition;
                }

                @Override
                public void close() {
                    closed++;
                }
            };
        });
        processor.init(context);
        return processor;
    }

    /**
     * Events of both models, mostly keyed by their model id; some keyed wrong (they reach the processor later, from
     * the repartition topic), some invalid, some of an undeclared model.
     */
    private void generate(Random random, int count) {
        List<LabelledEvent> inRepartition = new ArrayList<>();
        long repartitionOffset = 0;
        for (int i = 0; i < count; i++) {
            String model = MODELS.get(random.nextInt(5) == 0 ? 1 : 0);
            double kind = random.nextDouble();
            LabelledEvent event = RandomEvents.event(random, model, kind < 0.05 ? 3 : 4);
            long offset = source.size();
            if (kind >= 0.05 && kind < 0.15) {
                source.add(new SourceRecord(offset, random.nextBoolean() ? null : "wrong-key", event));
                inRepartition.add(event);
            } else {
                String key = kind >= 0.15 && kind < 0.2 ? "undeclared" : model;
                if (key.equals("undeclared")) {
                    event.setModelId(key);
                }
                source.add(new SourceRecord(offset, key, event));
                steps.add(new Step(EVENTS, offset, key, event, source.size()));
            }
            // The repartition topic delivers later, and interleaved with the events topic.
            while (!inRepartition.isEmpty() && random.nextInt(4) == 0) {
                LabelledEvent rekeyed = inRepartition.remove(0);
                steps.add(new Step(REPARTITION, repartitionOffset++, rekeyed.getModelId(), rekeyed, source.size()));
            }
        }
        for (LabelledEvent rekeyed : inRepartition) {
            steps.add(new Step(REPARTITION, repartitionOffset++, rekeyed.getModelId(), rekeyed, source.size()));
        }
    }

    /**
     * Events of one model in time order (10 ms apart), 40% of them unlabelled, with their labels on the labels topic:
     * most within the delay, some before their event, some too late or never (the event expires and trains as
     * all-negative), a few twice (duplicates), a few for events never sent (orphans). Returns the numbers of labelled
     * and of unlabelled events sent.
     */
    private long[] generateWithLateLabels(Random random, int count) {
        record Timed(long time, SpecificRecord value) {
        }
        List<Timed> timeline = new ArrayList<>();
        long[] sent = new long[2];
        long start = 1_700_000_000_000L;
        for (int i = 0; i < count; i++) {
            LabelledEvent event = RandomEvents.event(random, MODELS.get(0), 4);
            event.setId("e" + i);
            long time = start + i * 10L;
            if (random.nextInt(10) < 4) {
                LabelFeedback label = new LabelFeedback(event.getId(), event.getModelId(), event.getLabels(),
                        Instant.ofEpochMilli(time));
                event.setLabels(null);
                double fate = random.nextDouble();
                if (fate < 0.85) {
                    timeline.add(new Timed(time - 300 + random.nextInt((int) LABEL_DELAY_MS + 600), label));
                }
                if (fate > 0.97) {
                    timeline.add(new Timed(time + random.nextInt((int) LABEL_DELAY_MS), label));
                }
                sent[1]++;
            } else {
                sent[0]++;
            }
            timeline.add(new Timed(time, event));
            if (random.nextInt(100) == 0) {
                timeline.add(new Timed(time, new LabelFeedback("never-sent-" + i, MODELS.get(0), List.of(),
                        Instant.ofEpochMilli(time))));
            }
        }
        timeline.sort(java.util.Comparator.comparingLong(Timed::time));
        long labelOffset = 0;
        for (Timed timed : timeline) {
            if (timed.value() instanceof LabelledEvent event) {
                long offset = source.size();
                source.add(new SourceRecord(offset, event.getModelId(), event));
                steps.add(new Step(EVENTS, offset, event.getModelId(), event, source.size(), timed.time()));
            } else {
                steps.add(new Step(LABELS, labelOffset++, MODELS.get(0), timed.value(), source.size(), timed.time()));
            }
        }
        return sent;
    }

    private static BallastConfig config() {
        Map<String, String> settings = RandomEvents.settings(String.join(",", MODELS));
        settings.put(BallastConfig.STATE_SAVE_INTERVAL_BATCHES, "4");
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_STEPS, "5");
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "600000");
        settings.put(BallastConfig.METRICS_INTERVAL_MS, "600000");
        settings.put(BallastConfig.LABELS_MAX_DELAY_MS, Long.toString(LABEL_DELAY_MS));
        settings.put(BallastConfig.LABELS_MISSING, "negative");
        return new BallastConfig(settings);
    }

    private static MockProcessorContext<String, SpecificRecord> context(State store) {
        Properties properties = new Properties();
        properties.put("application.id", "app");
        properties.put("bootstrap.servers", "unused:9092");
        MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>(properties);
        context.setCurrentSystemTimeMs(1_700_000_000_000L);
        context.addStateStore(store.models());
        context.addStateStore(store.join());
        return context;
    }

    private static void assertSameSnapshots(long seed, List<ModelSnapshot> expected, List<ModelSnapshot> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            ModelSnapshot want = expected.get(i);
            ModelSnapshot got = actual.get(i);
            // Equal records: the same parameters bit for bit, label statistics, counts and input offsets.
            assertEquals(want, got, () -> "seed " + seed + ", snapshot " + want.getModelId() + " v" + want.getVersion()
                    + ": expected " + want.getEventsTrained() + " events, offsets " + want.getInputOffsets() + "; got "
                    + got.getModelId() + " v" + got.getVersion() + ", " + got.getEventsTrained() + " events, offsets "
                    + got.getInputOffsets());
        }
        assertEquals(expected.size(), actual.size(), "seed " + seed + ": snapshots");
    }

    private static List<ModelSnapshot> snapshots(List<SpecificRecord> outputs) {
        return outputs.stream().filter(ModelSnapshot.class::isInstance).map(ModelSnapshot.class::cast).toList();
    }

    private static <T> List<T> outputs(List<SpecificRecord> outputs, Class<T> type) {
        return outputs.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static long count(List<SpecificRecord> outputs, Class<?> type) {
        return outputs.stream().filter(type::isInstance).count();
    }
}
