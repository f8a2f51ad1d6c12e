package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Schema Registry goes down: mid-run the cached schemas carry the stream; at start-up the app waits for it. */
@BrokerTest
class RegistryOutageTest {

    private static final String MODEL = "default";

    @TempDir
    Path work;

    @Test
    void shouldKeepTrainingOnCachedSchemasWhenTheRegistryGoesDownMidRun(EmbeddedKafka kafka) throws Exception {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null);
        Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), KafkaTestClient.uniqueName("registry-down"), 1);
        settings.put("state.dir", work.toString());
        // Metrics go out (and their schema is registered and cached) before the outage.
        settings.put(BallastConfig.METRICS_INTERVAL_MS, "200");
        BallastConfig config = new BallastConfig(settings);
        new KafkaTestClient(kafka).createTopics(1, config.getString(BallastConfig.EVENTS_TOPIC));
        Map<String, Object> client = config.nonBallastProperties();
        try (BallastApp app = BallastApp.start(config);
             EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                     config.getString(BallastConfig.EVENTS_TOPIC));
             DriftingStream stream = new DriftingStream(TestApps.STREAM, 2_000)) {
            EventPublisher.Sent first = publisher.publish(stream, TestApps.labels(), MODEL, 1_000, 0, 0, 1);
            AppOutputs.awaitEventsTrained(config, MODEL, first.valid(), Duration.ofSeconds(90));
            Thread.sleep(500);

            registry.close();
            publisher.publish(stream, TestApps.labels(), MODEL, 1_000, 0, 0, 2);

            AppOutputs.awaitEventsTrained(config, MODEL, 2_000, Duration.ofSeconds(90));
            assertEquals(KafkaStreams.State.RUNNING, app.state());
        }
    }

    @Test
    void shouldWaitWithOneClearLineAndTrainOnceTheRegistryIsBackWhenItIsDownAtStartUp(EmbeddedKafka kafka)
            throws Exception {
        Path registryData = work.resolve("registry");
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, registryData);
        int port = registry.port();
        Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), KafkaTestClient.uniqueName("registry-late"), 1);
        settings.put("state.dir", work.resolve("state").toString());
        BallastConfig config = new BallastConfig(settings);
        new KafkaTestClient(kafka).createTopics(1, config.getString(BallastConfig.EVENTS_TOPIC));
        Map<String, Object> client = config.nonBallastProperties();
        try (EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                config.getString(BallastConfig.EVENTS_TOPIC));
             DriftingStream stream = new DriftingStream(TestApps.STREAM, 500)) {
            publisher.publish(stream, TestApps.labels(), MODEL, 500, 0, 0, 1);
        }
        registry.close();

        // The registry comes back 5 s later; meanwhile BallastApp.start keeps retrying (one log line per attempt).
        java.util.concurrent.CompletableFuture<EmbeddedSchemaRegistry> back = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return EmbeddedSchemaRegistry.start("127.0.0.1", port, registryData);
                });
        long started = System.nanoTime();
        try (BallastApp app = BallastApp.start(config); EmbeddedSchemaRegistry restarted = back.join()) {
            assertTrue(System.nanoTime() - started >= 4_000_000_000L, "start waited for the registry");
            AppOutputs.awaitEventsTrained(config, MODEL, 500, Duration.ofSeconds(90));
            assertEquals(KafkaStreams.State.RUNNING, app.state());
        }
    }
}
