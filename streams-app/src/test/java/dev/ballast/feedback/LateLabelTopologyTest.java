package dev.ballast.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.client.Predictor;
import dev.ballast.config.BallastConfig;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelState;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.testing.EmbeddedKafkaExtension;
import dev.ballast.cluster.BallastSerdes;
import dev.ballast.topology.BallastTopology;
import dev.ballast.topology.StreamsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The join of unlabelled events with their late (or early) labels, through the whole topology. */
@ExtendWith(EmbeddedKafkaExtension.class) // the shared embedded registry only; no broker
class LateLabelTopologyTest {

    private static final int FEATURES = 4;
    private static final List<String> LABELS = List.of("rare", "common");
    private static final long MAX_DELAY_MS = 60_000;
    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    private EmbeddedSchemaRegistry registry;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, LabelledEvent> events;
    private TestInputTopic<String, LabelFeedback> labels;
    private TestOutputTopic<String, Prediction> predictions;
    private TestOutputTopic<String, ModelSnapshot> snapshots;
    private TestOutputTopic<String, TrainingMetrics> metrics;
    private TestOutputTopic<String, DeadLetter> deadLetters;
    private final Random random = new Random(7);

    @BeforeEach
    void keepRegistry(EmbeddedSchemaRegistry registry) {
        this.registry = registry;
    }

    private void startDriver(String missing) {
        startDriver(missing, false);
    }

    private void startDriver(String missing, boolean scoreLabelled) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "ballast-late-label-test");
        settings.put("state.dir", stateDir.toString());
        settings.put(BallastConfig.MODEL_FEATURES, Integer.toString(FEATURES));
        settings.put(BallastConfig.MODEL_LABELS, String.join(",", LABELS));
        settings.put(BallastConfig.BATCH_SIZE, "8");
        // Whole batches from the first event on: the expected counts assume no warm-up.
        settings.put(BallastConfig.BATCH_WARMUP_EVENTS, "0");
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_STEPS, "2");
        settings.put(BallastConfig.METRICS_INTERVAL_MS, "1000");
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "60000");
        settings.put(BallastConfig.BATCH_LINGER_MS, "500");
        settings.put(BallastConfig.LABELS_MAX_DELAY_MS, Long.toString(MAX_DELAY_MS));
        settings.put(BallastConfig.LABELS_MISSING, missing);
        settings.put(BallastConfig.PREDICTIONS_LABELLED, Boolean.toString(scoreLabelled));
        // Label counts that never decay, so that a count asserts each joined event was taken in exactly once.
        settings.put(BallastConfig.WEIGHTING_HALF_LIFE, "0");
        BallastConfig config = new BallastConfig(settings);
        BallastSerdes serdes = BallastSerdes.fromConfig(config.nonBallastProperties());
        driver = new TopologyTestDriver(BallastTopology.build(config, serdes), StreamsSettings.of(config));
        events = driver.createInputTopic("ballast.events", new StringSerializer(), serdes.events().serializer());
        labels = driver.createInputTopic("ballast.labels", new StringSerializer(), serdes.labels().serializer());
        predictions = driver.createOutputTopic("ballast.predictions", new StringDeserializer(),
                serdes.predictions().deserializer());
        snapshots = driver.createOutputTopic("ballast.model-updates", new StringDeserializer(),
                serdes.snapshots().deserializer());
        metrics = driver.createOutputTopic("ballast.metrics", new StringDeserializer(), serdes.metrics().deserializer());
        deadLetters = driver.createOutputTopic("ballast.dead-letters", new StringDeserializer(),
                serdes.deadLetters().deserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldScoreEachUnlabelledEventOnceWithTheSnapshotOfItsModelVersion() {
        startDriver("ignore");
        List<ModelSnapshot> published = new ArrayList<>();
        Map<String, LabelledEvent> unlabelled = new HashMap<>();
        for (int i = 0; i < 96; i++) {
            LabelledEvent labelled = event("l" + i);
            events.pipeInput("default", labelled, T0.plusMillis(i));
            if (i % 3 == 0) {
                LabelledEvent waiting = withoutLabels(event("u" + i));
                unlabelled.put(waiting.getId(), waiting);
                events.pipeInput("default", waiting, T0.plusMillis(i));
            }
            published.addAll(snapshots.readValuesToList());
        }
        Map<Long, ModelSnapshot> byVersion = published.stream()
                .collect(Collectors.toMap(ModelSnapshot::getVersion, snapshot -> snapshot));
        List<Prediction> served = predictions.readValuesToList();

        assertEquals(unlabelled.keySet(), served.stream().map(Prediction::getEventId).collect(Collectors.toSet()));
        assertEquals(unlabelled.size(), served.size(), "one prediction per unlabelled event");
        Set<Long> versions = new HashSet<>();
        for (Prediction prediction : served) {
            versions.add(prediction.getModelVersion());
            ModelSnapshot snapshot = byVersion.get(prediction.getModelVersion());
            if (prediction.getModelVersion() == 0) {
                continue; // the untrained model, never published
            }
            assertNotNull(snapshot, "version " + prediction.getModelVersion() + " was published");
            Predictor predictor = Predictor.of(snapshot);
            float[] expected = new float[LABELS.size()];
            predictor.predictProbabilities(dense(unlabelled.get(prediction.getEventId())), expected);
            for (int label = 0; label < LABELS.size(); label++) {
                assertEquals(expected[label], prediction.getLabels().get(label).getProbability(), 1e-5);
                assertEquals(LABELS.get(label), prediction.getLabels().get(label).getName());
                assertEquals(expected[label] >= predictor.threshold(label),
                        prediction.getLabels().get(label).getPredicted());
            }
        }
        assertTrue(versions.size() >= 4, "predictions follow the published versions: " + versions);
        assertEquals(96L, published.get(published.size() - 1).getEventsTrained(), "unlabelled events do not train");
    }

    @Test
    void shouldAlsoScoreLabelledEventsWhenConfiguredAndTrainThemAtOnce() {
        startDriver("ignore", true);
        for (int i = 0; i < 16; i++) {
            events.pipeInput("default", event("l" + i), T0.plusMillis(i));
        }

        assertEquals(16, predictions.getQueueSize(), "one prediction per labelled event too");
        assertEquals(16L, snapshots.readValuesToList().get(0).getEventsTrained(), "trained without waiting");
        assertEquals(0L, latestMetrics().getEventsWaiting());
    }

    @Test
    void shouldTrainEventsWhoseLabelsArriveAfterThem() {
        startDriver("ignore");
        List<LabelledEvent> sent = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            LabelledEvent event = event("u" + i);
            sent.add(event);
            events.pipeInput("default", withoutLabels(event), T0.plusMillis(i));
        }
        assertTrue(snapshots.isEmpty(), "nothing trains before the labels come");
        for (int i = 0; i < 16; i++) {
            labels.pipeInput("default", feedback(sent.get(i)), T0.plusMillis(30_000 + i));
        }

        ModelSnapshot snapshot = snapshots.readValuesToList().get(0);
        assertEquals(16L, snapshot.getEventsTrained());
        assertEquals(positives(sent, "common"), snapshot.getLabels().get(1).getDecayedPositives(), 0.01);
        TrainingMetrics latest = latestMetrics();
        assertEquals(16L, latest.getEventsJoined());
        assertEquals(0L, latest.getEventsWaiting());
        assertEquals(30_000, latest.getLabelDelayP50Ms(), 30_000 * 0.2, "the delay, to a quarter octave");
        assertEquals(16, predictions.getQueueSize());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void shouldJoinLabelsThatArriveBeforeTheirEvents() {
        startDriver("ignore");
        List<LabelledEvent> sent = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            LabelledEvent event = event("u" + i);
            sent.add(event);
            labels.pipeInput("default", feedback(event), T0.plusMillis(i));
        }
        for (int i = 0; i < 16; i++) {
            events.pipeInput("default", withoutLabels(sent.get(i)), T0.plusMillis(1_000 + i));
        }

        ModelSnapshot snapshot = snapshots.readValuesToList().get(0);
        assertEquals(16L, snapshot.getEventsTrained());
        assertEquals(positives(sent, "common"), snapshot.getLabels().get(1).getDecayedPositives(), 0.01);
        assertEquals(16, predictions.getQueueSize(), "each event is still scored when it arrives");
        assertEquals(16L, latestMetrics().getEventsJoined());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void shouldDropEventsWhoseLabelsNeverCameWhenMissingLabelsAreIgnored() {
        startDriver("ignore");
        for (int i = 0; i < 16; i++) {
            events.pipeInput("default", withoutLabels(event("u" + i)), T0.plusMillis(i));
        }
        // Labelled events past the delay move stream time on: the waiting ones expire before these are processed.
        for (int i = 0; i < 16; i++) {
            events.pipeInput("default", event("l" + i), T0.plusMillis(MAX_DELAY_MS + 100 + i));
        }
        labels.pipeInput("default", feedback(event("u3")), T0.plusMillis(MAX_DELAY_MS + 200));

        assertEquals(16L, snapshots.readValuesToList().get(0).getEventsTrained(), "only the labelled events train");
        TrainingMetrics latest = latestMetrics();
        assertEquals(16L, latest.getEventsExpired());
        assertEquals(0L, latest.getEventsWaiting());
        assertEquals(0L, latest.getEventsJoined());
    }

    @Test
    void shouldTrainEventsWhoseLabelsNeverCameAsAllNegativeWhenConfigured() {
        startDriver("negative");
        for (int i = 0; i < 16; i++) {
            events.pipeInput("default", withoutLabels(event("u" + i)), T0.plusMillis(i));
        }
        assertTrue(snapshots.isEmpty());
        events.pipeInput("default", event("late"), T0.plusMillis(MAX_DELAY_MS + 100));

        ModelSnapshot snapshot = snapshots.readValuesToList().get(0);
        assertEquals(16L, snapshot.getEventsTrained(), "the 16 expired events, all negative, make two batches");
        for (LabelState label : snapshot.getLabels()) {
            assertEquals(0.0, label.getDecayedPositives(), 0.0, label.getName());
        }
        assertEquals(16L, latestMetrics().getEventsExpired());
    }

    @Test
    void shouldDeadLetterLabelsWhoseEventNeverCameNamingTheEventId() {
        startDriver("ignore");
        labels.pipeInput("default", feedback(event("ghost")), T0);
        assertTrue(deadLetters.isEmpty(), "a label may come before its event");
        events.pipeInput("default", event("l0"), T0.plusMillis(MAX_DELAY_MS + 1));

        DeadLetter letter = deadLetters.readValue();
        assertEquals("ORPHAN_LABEL", letter.getErrorKind());
        assertEquals("ghost", letter.getEventId());
        assertTrue(letter.getReason().contains("'ghost'"), letter.getReason());
        assertEquals("ballast.labels", letter.getSourceTopic());
        assertEquals(0L, letter.getSourceOffset());
    }

    @Test
    void shouldDeadLetterASecondLabelAndASecondUnlabelledEventKeepingTheFirst() {
        startDriver("ignore");
        LabelledEvent first = event("u0");
        events.pipeInput("default", withoutLabels(first), T0);
        events.pipeInput("default", withoutLabels(first), T0.plusMillis(1));
        labels.pipeInput("default", feedback(first), T0.plusMillis(2));
        labels.pipeInput("default", new LabelFeedback("u0", "default", List.of("rare", "common"), T0), T0.plusMillis(3));
        LabelledEvent early = event("u1");
        labels.pipeInput("default", feedback(early), T0.plusMillis(4));
        labels.pipeInput("default", feedback(early), T0.plusMillis(5));

        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertEquals(List.of("DUPLICATE", "DUPLICATE", "DUPLICATE"), letters.stream().map(DeadLetter::getErrorKind).toList());
        assertEquals(List.of("u0", "u0", "u1"), letters.stream().map(DeadLetter::getEventId).toList());
        assertEquals(List.of("ballast.events", "ballast.labels", "ballast.labels"),
                letters.stream().map(DeadLetter::getSourceTopic).toList());
        assertEquals(1, predictions.getQueueSize(), "exactly one prediction for the event sent twice");
        driver.advanceWallClockTime(Duration.ofSeconds(61));
        ModelSnapshot snapshot = snapshots.readValuesToList().get(0);
        assertEquals(1L, snapshot.getEventsTrained(), "u0 trained once, with the first label");
        assertEquals(first.getLabels().contains("rare") ? 1.0 : 0.0, snapshot.getLabels().get(0).getDecayedPositives(), 0.01);
    }

    /**
     * join-store-v1.txt holds the join store (keys and values, base64) as the first format left it, written by the
     * release before format 2 (commit 7984b2d) from these events: u0-u7 sent unlabelled, labels for u0-u3 (joined),
     * labels for x0 and x1 before their events.
     */
    @Test
    void shouldJoinWhatTheStoreOfTheFirstFormatHolds() throws Exception {
        startDriver("ignore");
        List<LabelledEvent> sent = new ArrayList<>();
        for (String id : List.of("u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "x0", "x1")) {
            sent.add(event(id));
        }
        var store = driver.<String, byte[]>getKeyValueStore(LabelJoin.STORE);
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                LateLabelTopologyTest.class.getResourceAsStream("join-store-v1.txt"), StandardCharsets.UTF_8))) {
            lines.lines().map(line -> line.split(" ")).forEach(entry -> store.put(
                    new String(Base64.getDecoder().decode(entry[0]), StandardCharsets.UTF_8),
                    Base64.getDecoder().decode(entry[1])));
        }

        for (int i = 4; i < 8; i++) {
            labels.pipeInput("default", feedback(sent.get(i)), T0.plusMillis(30_000 + i));
        }
        events.pipeInput("default", withoutLabels(sent.get(8)), T0.plusMillis(31_002));
        events.pipeInput("default", withoutLabels(sent.get(9)), T0.plusMillis(31_003));
        labels.pipeInput("default", feedback(sent.get(0)), T0.plusMillis(31_004));
        for (int i = 0; i < 10; i++) {
            events.pipeInput("default", event("l" + i), T0.plusMillis(31_005 + i));
        }

        assertEquals(List.of("u0"), deadLetters.readValuesToList().stream().map(DeadLetter::getEventId).toList(),
                "a second label for an event joined before the upgrade is a duplicate");
        assertEquals(16L, snapshots.readValuesToList().get(0).getEventsTrained(),
                "u4-u7 joined their labels, x0 and x1 their early labels, with l0-l9 two batches");
        TrainingMetrics latest = latestMetrics();
        assertEquals(10L, latest.getEventsJoined(), "4 counted before the upgrade, 6 after");
        assertEquals(0L, latest.getEventsWaiting());
        assertEquals(1L, latest.getOrphanLabels(), "the duplicate");
    }

    @Test
    void shouldDeadLetterLabelsNamingAnUndeclaredLabel() {
        startDriver("ignore");
        labels.pipeInput("default", new LabelFeedback("u0", "default", List.of("nope"), T0), T0);

        DeadLetter letter = deadLetters.readValue();
        assertEquals("UNKNOWN_LABEL", letter.getErrorKind());
        assertEquals("u0", letter.getEventId());
    }

    @Test
    void shouldKeepTheJoinStoreProportionalToTheEventsWaiting() {
        startDriver("ignore");
        long afterFirst = 0;
        long afterFirstHundred = 0;
        for (int i = 0; i <= 200; i++) {
            events.pipeInput("default", withoutLabels(event("w" + i)), T0.plusMillis(i));
            if (i == 0) {
                afterFirst = joinStoreBytes();
            } else if (i == 100) {
                afterFirstHundred = joinStoreBytes();
            }
        }
        long afterSecondHundred = joinStoreBytes();

        // Measured from the first waiting event on: the model's counters and serving snapshot are there from then.
        double perEvent = (afterSecondHundred - afterFirstHundred) / 100.0;
        System.out.printf("join store: %.1f bytes of keys and values per waiting event (%d features, %d labels)%n",
                perEvent, FEATURES, LABELS.size());
        assertEquals((afterFirstHundred - afterFirst) / 100.0, perEvent, perEvent * 0.1,
                "each waiting event adds the same bytes: " + afterFirst + ", " + afterFirstHundred + " then "
                        + afterSecondHundred);
        assertTrue(perEvent > 0 && perEvent < 1_000, "bytes per waiting event: " + perEvent);
    }

    /** Keys and values held in the join store now. */
    private long joinStoreBytes() {
        long bytes = 0;
        try (var entries = driver.<String, byte[]>getKeyValueStore(LabelJoin.STORE).all()) {
            while (entries.hasNext()) {
                var entry = entries.next();
                bytes += entry.key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + entry.value.length;
            }
        }
        return bytes;
    }

    private TrainingMetrics latestMetrics() {
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<TrainingMetrics> all = metrics.readValuesToList();
        assertTrue(!all.isEmpty(), "metrics were published");
        return all.get(all.size() - 1);
    }

    private LabelledEvent event(String id) {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < FEATURES; i++) {
            values.add((float) random.nextGaussian());
        }
        List<String> positive = new ArrayList<>();
        if (values.get(1) > 1.0f) {
            positive.add("rare");
        }
        if (values.get(0) > 0f) {
            positive.add("common");
        }
        return LabelledEvent.newBuilder().setId(id).setEventTime(T0).setModelId("default")
                .setFeatures(new DenseFeatures(values)).setLabels(positive).build();
    }

    private static LabelledEvent withoutLabels(LabelledEvent event) {
        return LabelledEvent.newBuilder(event).setLabels(null).build();
    }

    private static LabelFeedback feedback(LabelledEvent event) {
        return new LabelFeedback(event.getId(), event.getModelId(), event.getLabels(), T0);
    }

    private static double positives(List<LabelledEvent> sent, String label) {
        return sent.stream().filter(event -> event.getLabels().contains(label)).count();
    }

    private static float[] dense(LabelledEvent event) {
        List<Float> values = ((DenseFeatures) event.getFeatures()).getValues();
        float[] dense = new float[values.size()];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = values.get(i);
        }
        return dense;
    }
}
