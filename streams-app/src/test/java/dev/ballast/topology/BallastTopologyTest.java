package dev.ballast.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.cluster.BallastSerdes;
import dev.ballast.config.BallastConfig;
import dev.ballast.processor.SourceHeaders;
import dev.ballast.processor.TrainingProcessor;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.testing.EmbeddedKafkaExtension;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.TrainingMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedKafkaExtension.class) // the shared embedded registry only; no broker
class BallastTopologyTest {

    private static final int FEATURES = 4;
    private static final List<String> LABELS = List.of("rare", "common");

    private EmbeddedSchemaRegistry registry;

    @TempDir
    Path stateDir;

    private BallastConfig config;
    private TopologyTestDriver driver;
    private BallastSerdes serdes;
    private TestInputTopic<String, LabelledEvent> events;
    private TestInputTopic<String, byte[]> rawEvents;
    private TestOutputTopic<String, ModelSnapshot> snapshots;
    private TestOutputTopic<String, TrainingMetrics> metrics;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void startDriver(EmbeddedSchemaRegistry registry) {
        this.registry = registry;
        startDriver(Map.of());
    }

    private void startDriver(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "ballast-topology-test");
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
        settings.putAll(extra);
        config = new BallastConfig(settings);
        serdes = BallastSerdes.fromConfig(config.nonBallastProperties());
        driver = new TopologyTestDriver(BallastTopology.build(config, serdes), StreamsSettings.of(config));
        events = driver.createInputTopic("ballast.events", new StringSerializer(), serdes.events().serializer());
        rawEvents = driver.createInputTopic("ballast.events", new StringSerializer(), new ByteArraySerializer());
        snapshots = driver.createOutputTopic("ballast.model-updates", new StringDeserializer(), serdes.snapshots().deserializer());
        metrics = driver.createOutputTopic("ballast.metrics", new StringDeserializer(), serdes.metrics().deserializer());
        deadLetters = driver.createOutputTopic("ballast.dead-letters", new StringDeserializer(), serdes.deadLetters().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldWireEachTypedOutputToTheChildOfItsName() {
        Map<String, TopologyDescription.Node> nodes = new HashMap<>();
        BallastTopology.build(config, serdes).describe().subtopologies()
                .forEach(subtopology -> subtopology.nodes().forEach(node -> nodes.put(node.name(), node)));

        assertEquals(Map.of(
                        TrainingProcessor.SNAPSHOTS.child(), "ballast.model-updates",
                        TrainingProcessor.METRICS.child(), "ballast.metrics",
                        TrainingProcessor.ALERTS.child(), "ballast.alerts",
                        TrainingProcessor.PREDICTIONS.child(), "ballast.predictions",
                        TrainingProcessor.DEAD_LETTERS.child(), "ballast.dead-letters"),
                sinkTopics(nodes.get("train")), "the training processor's children are its outputs' sinks");
        TopologyDescription.Node guard = nodes.get("guard-rekey");
        assertEquals(Set.of(RekeyGuard.REKEYED.child(), RekeyGuard.OVERSIZE.child()),
                guard.successors().stream().map(TopologyDescription.Node::name).collect(Collectors.toSet()));
        assertEquals("ballast.dead-letters", sinkTopics(guard).get(RekeyGuard.OVERSIZE.child()));
    }

    @Test
    void shouldResolveAtStartUpTheValuesOfEveryTopicASinkWrites() {
        Set<String> resolved = BallastTopology.registryValues(config).stream()
                .map(BallastTopology.RegistryValue::topic).collect(Collectors.toSet());
        // The description names an internal topic without the application id that Kafka Streams puts before it.
        Set<String> written = BallastTopology.build(config, serdes).describe().subtopologies().stream()
                .flatMap(subtopology -> subtopology.nodes().stream())
                .filter(node -> node instanceof TopologyDescription.Sink)
                .map(node -> ((TopologyDescription.Sink) node).topic())
                .map(topic -> topic.endsWith("-repartition") ? "ballast-topology-test-" + topic : topic)
                .collect(Collectors.toSet());

        assertEquals(written, resolved);
    }

    /** The children of a node by name, each with its topic if it is a sink. */
    private static Map<String, String> sinkTopics(TopologyDescription.Node node) {
        return node.successors().stream().collect(Collectors.toMap(TopologyDescription.Node::name,
                child -> child instanceof TopologyDescription.Sink sink ? sink.topic() : "(not a sink)"));
    }

    @Test
    void shouldPublishSnapshotsWithIncreasingVersionsAsBatchesTrain() {
        Random random = new Random(1);
        for (int i = 0; i < 48; i++) {
            events.pipeInput("default", event("e" + i, random));
        }
        List<ModelSnapshot> published = snapshots.readValuesToList();
        assertEquals(3, published.size(), "48 events = 6 batches of 8 = 3 snapshots at 2 steps each");
        for (int i = 0; i < published.size(); i++) {
            assertEquals(i + 1, published.get(i).getVersion());
            assertEquals(16L * (i + 1), published.get(i).getEventsTrained());
            assertEquals(2L * (i + 1), published.get(i).getOptimizerSteps());
        }
        ModelSnapshot last = published.get(2);
        assertEquals(LABELS, last.getLabels().stream().map(label -> label.getName()).toList());
        assertEquals(48L, last.getInputOffsets().get("ballast.events-0"));
        assertFalse(last.getParameters().isEmpty());
    }

    @Test
    void shouldDeadLetterInvalidEventsWithTheirReasonAndTrainTheRest() {
        Random random = new Random(2);
        List<LabelledEvent> bad = new ArrayList<>();
        LabelledEvent template = event("bad", random);
        bad.add(LabelledEvent.newBuilder(template).setFeatures(new DenseFeatures(List.of(1f, 2f))).build());
        bad.add(LabelledEvent.newBuilder(template).setFeatures(new DenseFeatures(List.of(1f, Float.NaN, 0f, 0f))).build());
        bad.add(LabelledEvent.newBuilder(template).setLabels(List.of("nope")).build());
        bad.add(LabelledEvent.newBuilder(template).setImportance(-2f).build());
        bad.add(LabelledEvent.newBuilder(template).setModelId("unknown-model").build());
        for (int i = 0; i < 16; i++) {
            events.pipeInput("default", event("good" + i, random));
            if (i < bad.size()) {
                LabelledEvent invalid = bad.get(i);
                events.pipeInput(invalid.getModelId(), invalid);
            }
        }
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertEquals(List.of("DIMENSION", "NON_FINITE", "UNKNOWN_LABEL", "NEGATIVE_WEIGHT", "UNKNOWN_MODEL"),
                letters.stream().map(DeadLetter::getErrorKind).toList());
        assertTrue(letters.get(0).getReason().contains("feature dimension 2, model expects 4"), letters.get(0).getReason());
        assertEquals("ballast.events", letters.get(0).getSourceTopic());
        ModelSnapshot snapshot = snapshots.readValuesToList().get(0);
        assertEquals(16, snapshot.getEventsTrained(), "every valid event trained, no invalid one");
    }

    /** The dead letters themselves are asserted on a real broker (BallastAppTest): the test driver drops handler output. */
    @Test
    void shouldSkipUndecodableRecordsAndGoOn() {
        rawEvents.pipeInput("default", "not avro at all".getBytes(StandardCharsets.UTF_8));
        rawEvents.pipeInput("default", new byte[] {0, 0, 0, 0x7f, 0x7f, 1, 2});
        Random random = new Random(3);
        for (int i = 0; i < 16; i++) {
            events.pipeInput("default", event("e" + i, random));
        }
        assertEquals(16, snapshots.readValuesToList().get(0).getEventsTrained());
    }

    @Test
    void shouldTrainAPartialBatchAfterTheLingerAndPublishMetrics() {
        Random random = new Random(4);
        for (int i = 0; i < 5; i++) {
            events.pipeInput("default", event("e" + i, random));
        }
        assertTrue(metrics.isEmpty());
        driver.advanceWallClockTime(Duration.ofMillis(1100));
        TrainingMetrics published = metrics.readValue();
        assertEquals(5, published.getEventsTrained());
        assertEquals(LABELS.size(), published.getLabels().size());
    }

    @Test
    void shouldTrainIndependentModelsPerModelIdWithTheirOwnDeclarations() {
        driver.close();
        startDriver(Map.of(
                BallastConfig.MODELS, "default,wide",
                "ballast.models.wide.model.features", "6",
                "ballast.models.wide.model.labels", "x,y,z",
                "ballast.models.wide.model.type", "mlp"));
        Random random = new Random(5);
        for (int i = 0; i < 32; i++) {
            events.pipeInput("default", event("d" + i, random));
            if (i < 16) {
                List<Float> values = new ArrayList<>();
                for (int f = 0; f < 6; f++) {
                    values.add((float) random.nextGaussian());
                }
                events.pipeInput("wide", LabelledEvent.newBuilder().setId("w" + i)
                        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L)).setModelId("wide")
                        .setFeatures(new DenseFeatures(values)).setLabels(values.get(0) > 0 ? List.of("z") : List.of()).build());
            }
        }
        Map<String, ModelSnapshot> latest = new HashMap<>();
        snapshots.readKeyValuesToList().forEach(record -> latest.merge(record.key, record.value,
                (held, arrived) -> arrived.getVersion() > held.getVersion() ? arrived : held));
        assertEquals(32, latest.get("default").getEventsTrained());
        assertEquals(16, latest.get("wide").getEventsTrained());
        assertEquals(1, latest.get("wide").getVersion(), "versions count per model id");
        assertEquals("mlp", latest.get("wide").getArchitecture());
        assertEquals(6, latest.get("wide").getFeatureCount());
        assertEquals(List.of("x", "y", "z"), latest.get("wide").getLabels().stream().map(label -> label.getName()).toList());
        assertEquals("linear", latest.get("default").getArchitecture());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void shouldDeadLetterAReKeyedEventOverTheSizeCapAndTrainTheRest() {
        driver.close();
        startDriver(Map.of(BallastConfig.EVENT_MAX_BYTES, "2048"));
        Random random = new Random(6);
        events.pipeInput("other-key", event("x".repeat(2048), random));
        for (int i = 0; i < 16; i++) {
            events.pipeInput("other-key", event("small-" + i, random));
        }
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertEquals(1, letters.size());
        DeadLetter letter = letters.get(0);
        assertEquals("OVERSIZE", letter.getErrorKind());
        assertTrue(letter.getReason().contains(BallastConfig.EVENT_MAX_BYTES + "=2048"), letter.getReason());
        assertEquals("ballast.events", letter.getSourceTopic());
        assertEquals(0, letter.getSourceOffset());
        assertEquals(16, snapshots.readValuesToList().get(0).getEventsTrained(), "the small events re-keyed and trained");
    }

    @Test
    void shouldNameTheEventsTopicOffsetInTheDeadLetterOfARepartitionedEvent() {
        Random random = new Random(7);
        for (int i = 0; i < 3; i++) {
            events.pipeInput("default", event("good-" + i, random));
        }
        events.pipeInput("some-other-key", withFirstFeature(event("bad", random), Float.NaN));
        DeadLetter letter = deadLetters.readValue();
        assertEquals("NON_FINITE", letter.getErrorKind());
        assertEquals("ballast.events", letter.getSourceTopic(), "not the repartition topic");
        assertEquals(0, letter.getSourcePartition());
        assertEquals(3, letter.getSourceOffset());
    }

    @Test
    void shouldIgnoreBallastHeadersAProducerSetOnTheEventsTopic() {
        RecordHeaders forged = new RecordHeaders();
        SourceHeaders.writeCoordinates(forged, "elsewhere", 9, 999);
        SourceHeaders.markInvalidTimestamp(forged, -1);
        Random random = new Random(8);
        events.pipeInput(new TestRecord<>("default", withFirstFeature(event("forged-nan", random), Float.NaN), forged,
                Instant.now()));
        for (int i = 0; i < 16; i++) {
            events.pipeInput(new TestRecord<>("default", event("forged-" + i, random), forged, Instant.now()));
        }
        DeadLetter letter = deadLetters.readValue();
        assertEquals("NON_FINITE", letter.getErrorKind(), "not INVALID_TIMESTAMP: the timestamp is valid");
        assertEquals("ballast.events", letter.getSourceTopic());
        assertEquals(0, letter.getSourceOffset());
        assertTrue(deadLetters.isEmpty());
        assertEquals(16, snapshots.readValuesToList().get(0).getEventsTrained());
    }

    private static LabelledEvent withFirstFeature(LabelledEvent event, float value) {
        List<Float> values = new ArrayList<>(((DenseFeatures) event.getFeatures()).getValues());
        values.set(0, value);
        return LabelledEvent.newBuilder(event).setFeatures(new DenseFeatures(values)).build();
    }

    /** Label "common" is positive when the first feature is positive; "rare" when the second is above 1.5. */
    private static LabelledEvent event(String id, Random random) {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < FEATURES; i++) {
            values.add((float) random.nextGaussian());
        }
        List<String> labels = new ArrayList<>();
        if (values.get(1) > 1.5f) {
            labels.add("rare");
        }
        if (values.get(0) > 0f) {
            labels.add("common");
        }
        return LabelledEvent.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setModelId("default").setFeatures(new DenseFeatures(values)).setLabels(labels).build();
    }
}
