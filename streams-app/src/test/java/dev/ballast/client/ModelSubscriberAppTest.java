package dev.ballast.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.Features;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ModelSubscriber follows the running app on a real broker: new versions, a stale one by hand, a tombstone. */
@BrokerTest
class ModelSubscriberAppTest {

    private static final String MODEL = "default";
    private static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(90);

    private static EmbeddedSchemaRegistry registry;

    @TempDir
    Path work;

    @BeforeAll
    static void useSharedRegistry(EmbeddedSchemaRegistry shared) {
        registry = shared;
    }

    @Test
    void shouldHoldIncreasingVersionsIgnoreAStaleSnapshotAndDropTheModelOnATombstone(EmbeddedKafka kafka)
            throws Exception {
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        BallastConfig config = appConfig(kafka, demo);
        String topic = config.getString(BallastConfig.MODEL_UPDATES_TOPIC);
        List<String> labels = config.getList(BallastConfig.MODEL_LABELS);
        Map<String, Object> client = config.nonBallastProperties();
        List<ModelHandle> held = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch removed = new CountDownLatch(1);

        try (ModelSubscriber models = subscriber(kafka, topic)
                .listener((modelId, previous, current) -> {
                    held.add(current);
                    if (current == null) {
                        removed.countDown();
                    }
                })
                .build().start()) {
            ModelHandle latest;
            try (BallastApp app = BallastApp.start(config);
                 EventPublisher publisher = new EventPublisher(client,
                         BallastSerdes.fromConfig(client).events().serializer(),
                         config.getString(BallastConfig.EVENTS_TOPIC))) {
                publish(publisher, demo, labels, 1);
                ModelHandle first = models.awaitModel(MODEL, TRAINING_TIMEOUT);
                publish(publisher, demo, labels, 2);
                latest = awaitEventsTrained(models, first.snapshot().getEventsTrained() + 600);
                assertTrue(latest.version() > first.version());
            }
            assertScores(latest, demo);
            try (ModelSubscriber late = subscriber(kafka, topic).build().start()) {
                assertTrue(late.awaitModel(MODEL, Duration.ofSeconds(30)).version() >= latest.version(),
                        "a subscriber started later reads the compacted topic from the beginning");
            }

            ModelHandle beforeStale = models.current(MODEL).orElseThrow();
            ModelSnapshot stale = ModelSnapshot.newBuilder(beforeStale.snapshot())
                    .setVersion(beforeStale.version() - 1).build();
            new KafkaTestClient(kafka).produce(topic, new StringSerializer(),
                    BallastSerdes.fromConfig(client).snapshots().serializer(),
                    List.of(KeyValue.pair(MODEL, stale), KeyValue.pair(MODEL, null)));

            assertTrue(removed.await(30, TimeUnit.SECONDS), "the tombstone removes the model");
            assertFalse(models.current(MODEL).isPresent());
        }
        List<Long> versions = held.subList(0, held.size() - 1).stream().map(ModelHandle::version).toList();
        assertTrue(versions.size() >= 2, "saw versions " + versions);
        for (int i = 1; i < versions.size(); i++) {
            assertTrue(versions.get(i) > versions.get(i - 1), "versions strictly increase: " + versions);
        }
        assertNull(held.get(held.size() - 1), "the stale snapshot changed nothing; the tombstone came next");
    }

    private static ModelSubscriber.Builder subscriber(EmbeddedKafka kafka, String topic) {
        return ModelSubscriber.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .schemaRegistryUrl(registry.url())
                .topic(topic)
                .partitionRefreshInterval(Duration.ofMillis(500));
    }

    private BallastConfig appConfig(EmbeddedKafka kafka, DriftingStreamSpec demo) {
        String prefix = KafkaTestClient.uniqueName("subscriber");
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", prefix);
        settings.put("commit.interval.ms", "100");
        settings.put("state.dir", work.toString());
        for (String key : List.of(BallastConfig.EVENTS_TOPIC, BallastConfig.MODEL_UPDATES_TOPIC,
                BallastConfig.METRICS_TOPIC, BallastConfig.ALERTS_TOPIC, BallastConfig.DEAD_LETTERS_TOPIC,
                BallastConfig.LABELS_TOPIC, BallastConfig.PREDICTIONS_TOPIC)) {
            settings.put(key, prefix + "." + key.substring("ballast.topic.".length()));
        }
        settings.put(BallastConfig.TOPIC_PARTITIONS, "2");
        settings.put(BallastConfig.MODEL_FEATURES, Integer.toString(demo.featureCount()));
        settings.put(BallastConfig.MODEL_LABELS, IntStream.range(0, demo.labelCount()).mapToObj(i -> "l" + i)
                .collect(Collectors.joining(",")));
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "300");
        settings.put(BallastConfig.BATCH_LINGER_MS, "100");
        return new BallastConfig(settings);
    }

    private static void publish(EventPublisher publisher, DriftingStreamSpec demo, List<String> labels, long seed)
            throws InterruptedException {
        try (DriftingStream stream = new DriftingStream(withSeed(demo, seed), 600)) {
            publisher.publish(stream, labels, MODEL, 600, 0, 0, seed);
        }
    }

    private static DriftingStreamSpec withSeed(DriftingStreamSpec spec, long seed) {
        return new DriftingStreamSpec(spec.featureCount(), spec.labelCount(), seed, spec.driftPeriodEvents(),
                spec.minPrevalence(), spec.maxPrevalence(), spec.labelNoise(), false, 0);
    }

    private static ModelHandle awaitEventsTrained(ModelSubscriber models, long events) throws InterruptedException {
        long deadline = System.nanoTime() + TRAINING_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            ModelHandle handle = models.current(MODEL).orElseThrow();
            if (handle.snapshot().getEventsTrained() >= events) {
                return handle;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no snapshot reflecting " + events + " events within " + TRAINING_TIMEOUT);
    }

    private static void assertScores(ModelHandle model, DriftingStreamSpec demo) {
        Predictor predictor = model.predictor();
        float[] probabilities = new float[demo.labelCount()];
        boolean[] decisions = new boolean[probabilities.length];
        try (DriftingStream stream = new DriftingStream(withSeed(demo, 3), 1)) {
            predictor.predictProbabilities(((Features.Dense) stream.next().features()).values(), probabilities);
        }
        predictor.decide(probabilities, decisions);
        for (int label = 0; label < probabilities.length; label++) {
            assertTrue(probabilities[label] > 0 && probabilities[label] < 1, "probability " + probabilities[label]);
            assertEquals(probabilities[label] >= model.snapshot().getLabels().get(label).getThreshold(),
                    decisions[label], "decision of label " + label + " uses the snapshot's threshold");
        }
    }
}
