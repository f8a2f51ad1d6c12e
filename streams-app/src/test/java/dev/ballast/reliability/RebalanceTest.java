package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.Events;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.processor.ModelStore;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.LogCapture;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second instance joins mid-stream and later leaves: the models of four ids move between the instances with
 * their partitions, and every event of every model is trained exactly once, with versions strictly increasing.
 */
@BrokerTest
class RebalanceTest {

    private static final List<String> MODELS = List.of("a", "b", "c", "d");
    private static final int EVENTS_PER_MODEL_PER_PHASE = 250;

    @TempDir
    Path work;

    @Test
    void shouldCountEveryModelsEventsExactlyOnceWhenASecondInstanceJoinsAndLeaves(EmbeddedKafka kafka)
            throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), KafkaTestClient.uniqueName("rebalance"), 4);
            settings.put(BallastConfig.MODELS, String.join(",", MODELS));
            // Kafka Streams does not leave the group on close: the staying instance takes the leaver's models back
            // only when its session times out.
            settings.put("session.timeout.ms", "6000");
            settings.put("heartbeat.interval.ms", "1000");
            Map<String, String> first = new HashMap<>(settings);
            first.put("state.dir", work.resolve("first").toString());
            Map<String, String> second = new HashMap<>(settings);
            second.put("state.dir", work.resolve("second").toString());
            BallastConfig config = new BallastConfig(first);
            new KafkaTestClient(kafka).createTopics(4, config.getString(BallastConfig.EVENTS_TOPIC));
            Map<String, Object> client = config.nonBallastProperties();
            Map<String, Long> sent = new HashMap<>();

            LogCapture modelLoads = LogCapture.of(ModelStore.class,
                    event -> event.getFormattedMessage().startsWith("Model '"));
            try (BallastApp staying = BallastApp.start(config);
                 EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                         config.getString(BallastConfig.EVENTS_TOPIC));
                 DriftingStream stream = new DriftingStream(TestApps.STREAM, 3L * MODELS.size() * EVENTS_PER_MODEL_PER_PHASE)) {
                publishPhase(publisher, stream, sent);
                awaitAllTrained(config, sent);
                try (BallastApp joining = BallastApp.start(new BallastConfig(second))) {
                    awaitRunning(staying, joining);
                    publishPhase(publisher, stream, sent);
                    awaitAllTrained(config, sent);
                }
                publishPhase(publisher, stream, sent);
                awaitAllTrained(config, sent);
            } finally {
                modelLoads.close();
            }

            // Stream threads are named after their client's process id: two distinct ones loaded models.
            long instancesThatTrained = modelLoads.events().stream()
                    .map(event -> event.getThreadName().replaceAll("-StreamThread-\\d+$", "")).distinct().count();
            assertEquals(2, instancesThatTrained, "models moved to the joining instance and back");
            AppOutputs outputs = AppOutputs.read(config);
            for (String model : MODELS) {
                assertEquals(sent.get(model), outputs.latest(model).getEventsTrained(), "model " + model);
                CrashLoopTest.assertVersionsStrictlyIncrease(outputs.snapshotsOf(model));
                assertTrue(outputs.snapshotsOf(model).size() >= 3, "model " + model + " published in every phase");
            }
        }
    }

    /** Both instances have finished the rebalance that the second one's arrival started. */
    private static void awaitRunning(BallastApp... apps) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Arrays.stream(apps).allMatch(app -> app.state() == KafkaStreams.State.RUNNING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the instances did not settle within 60 s");
            }
            Thread.sleep(100);
        }
    }

    /** One phase: every model gets its share of events, interleaved. */
    private static void publishPhase(EventPublisher publisher, DriftingStream stream, Map<String, Long> sent) {
        for (int i = 0; i < EVENTS_PER_MODEL_PER_PHASE; i++) {
            for (String model : MODELS) {
                long sequence = sent.merge(model, 1L, Long::sum);
                publisher.send(Events.of(stream.next(), TestApps.labels(), model, sequence));
            }
        }
        publisher.flush();
    }

    private static void awaitAllTrained(BallastConfig config, Map<String, Long> sent) throws InterruptedException {
        AppOutputs.await(config, outputs -> MODELS.stream().allMatch(model -> outputs.latest(model) != null
                && outputs.latest(model).getEventsTrained() >= sent.get(model)),
                "every model's snapshot reflecting " + sent, Duration.ofSeconds(120));
    }
}
