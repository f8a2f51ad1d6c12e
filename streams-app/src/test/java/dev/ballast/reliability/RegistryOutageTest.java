package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.Events;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.RegisteredSchema;
import dev.ballast.registry.RegistryClientConfig;
import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.AlertKind;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.Prediction;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Schema Registry goes down: mid-run the cached schemas carry the stream, also for the first record of a kind
 * since start-up; at start-up the app waits for it.
 */
@BrokerTest
class RegistryOutageTest {

    private static final String MODEL = "default";
    private static final String EXPLODING = "exploding";

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

    /**
     * After start-up the registry goes down before the app has written a single prediction, dead letter, alert or
     * re-keyed event: the ids it resolved at start-up carry them all, the handlers' own serializers included.
     */
    @Test
    void shouldWriteKindsNotYetWrittenSinceStartUpWhenTheRegistryGoesDown(EmbeddedKafka kafka) throws Exception {
        Path registryData = work.resolve("registry");
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, registryData);
        int port = registry.port();
        Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(),
                KafkaTestClient.uniqueName("registry-first-kinds"), 1);
        settings.put("state.dir", work.resolve("state").toString());
        // A second model whose steps blow up (see NumericalFaultTest) raises the NON_FINITE_STEP alert on demand.
        settings.put(BallastConfig.MODELS, MODEL + "," + EXPLODING);
        settings.put(BallastConfig.MODEL_OVERRIDE_PREFIX + EXPLODING + ".optimizer", "sgd");
        settings.put(BallastConfig.MODEL_OVERRIDE_PREFIX + EXPLODING + ".optimizer.learning.rate", "1e6");
        settings.put(BallastConfig.MODEL_OVERRIDE_PREFIX + EXPLODING + ".model.standardize", "false");
        BallastConfig config = new BallastConfig(settings);
        String eventsTopic = config.getString(BallastConfig.EVENTS_TOPIC);
        KafkaTestClient kafkaClient = new KafkaTestClient(kafka);
        kafkaClient.createTopics(1, eventsTopic);
        Map<String, Object> client = config.nonBallastProperties();
        Serializer<LabelledEvent> events = BallastSerdes.fromConfig(client).events().serializer();
        try (BallastApp app = BallastApp.start(config);
             EventPublisher publisher = new EventPublisher(client, events, eventsTopic);
             DriftingStream stream = new DriftingStream(TestApps.STREAM, 500)) {
            EventPublisher.Sent first = publisher.publish(stream, TestApps.labels(), MODEL, 200, 0, 0, 1);
            AppOutputs.awaitEventsTrained(config, MODEL, first.valid(), Duration.ofSeconds(60));

            registry.close();
            LabelledEvent next = Events.of(stream.next(), TestApps.labels(), MODEL, 200);
            publisher.send(LabelledEvent.newBuilder(next).setLabels(null).build());
            publisher.send(LabelledEvent.newBuilder(next).setId("unknown-label").setLabels(List.of("no-such-label"))
                    .build());
            for (int i = 0; i < 100; i++) {
                LabelledEvent exploding = Events.of(stream.next(), TestApps.labels(), EXPLODING, i);
                publisher.send(NumericalFaultTest.scaled(exploding, 1e16f));
            }
            publisher.flush();
            kafkaClient.produce(eventsTopic, new StringSerializer(), new ByteArraySerializer(), List.of(
                    KeyValue.pair("not-a-model-id", events.serialize(eventsTopic,
                            LabelledEvent.newBuilder(next).setId("re-keyed").build())),
                    KeyValue.pair(MODEL, "not avro".getBytes(StandardCharsets.UTF_8))));

            AppOutputs.await(config, outputs -> outputs.predictions().size() == 1
                            && outputs.deadLetters().size() == 2
                            && outputs.alerts().stream().anyMatch(alert -> alert.getKind() == AlertKind.NON_FINITE_STEP)
                            && outputs.latest(MODEL).getEventsTrained() == first.valid() + 1,
                    "a prediction, two dead letters, a NON_FINITE_STEP alert and the re-keyed event trained",
                    Duration.ofSeconds(60));
            assertEquals(KafkaStreams.State.RUNNING, app.state());

            try (EmbeddedSchemaRegistry back = EmbeddedSchemaRegistry.start("127.0.0.1", port, registryData)) {
                RestSchemaRegistryClient registryClient = new RestSchemaRegistryClient(
                        RegistryClientConfig.forUrls(back.url()));
                assertWrittenWithTheRegisteredSchema(kafkaClient, registryClient,
                        config.getString(BallastConfig.PREDICTIONS_TOPIC), Prediction.getClassSchema());
                assertWrittenWithTheRegisteredSchema(kafkaClient, registryClient,
                        config.getString(BallastConfig.DEAD_LETTERS_TOPIC), DeadLetter.getClassSchema());
                assertWrittenWithTheRegisteredSchema(kafkaClient, registryClient,
                        config.getString(BallastConfig.ALERTS_TOPIC), ImbalanceAlert.getClassSchema());
            }
        }
    }

    /** Every record on {@code topic} carries the id that the registry, asked now, holds {@code schema} under. */
    private static void assertWrittenWithTheRegisteredSchema(KafkaTestClient kafkaClient,
            RestSchemaRegistryClient registryClient, String topic, Schema schema) {
        RegisteredSchema registered = registryClient.latest(topic + "-value");
        assertEquals(schema, registered.schema(), topic);
        for (ConsumerRecord<String, byte[]> record : kafkaClient.consumeAll(topic, new StringDeserializer(),
                new ByteArrayDeserializer(), 1, Duration.ofSeconds(30))) {
            // The Confluent wire format: magic byte 0, then the schema id as a 4-byte big-endian int.
            assertEquals(registered.id(), ByteBuffer.wrap(record.value(), 1, 4).getInt(), topic);
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
