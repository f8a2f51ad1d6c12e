package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.Events;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.AlertKind;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Tensor;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An optimiser that blows up: the step is skipped, the operator is told, the published model stays finite. */
@BrokerTest
class NumericalFaultTest {

    private static final String MODEL = "default";
    private static final int EVENTS = 1_000;

    @TempDir
    Path work;

    @Test
    void shouldRefuseALearningRateOf1e30NamingTheSetting() {
        Map<String, String> settings = Map.of("bootstrap.servers", "localhost:9092",
                "schema.registry.url", "http://localhost:8081", BallastConfig.LEARNING_RATE, "1e30");

        ConfigException refused = assertThrows(ConfigException.class, () -> new BallastConfig(settings));

        assertTrue(refused.getMessage().contains(BallastConfig.LEARNING_RATE), refused.getMessage());
    }

    @Test
    void shouldSkipStepsRaiseNonFiniteStepAndPublishOnlyFiniteModelsWhenTheLearningRateExplodes(EmbeddedKafka kafka)
            throws Exception {
        Exploded run = explode(kafka, "linear", 1e16f);

        assertTrue(run.outputs.alerts().stream().anyMatch(alert -> alert.getKind() == AlertKind.NON_FINITE_STEP));
        assertFalse(run.outputs.snapshotsOf(MODEL).isEmpty(), "a model was published");
        run.outputs.snapshotsOf(MODEL).forEach(NumericalFaultTest::assertAllFinite);
        assertEquals(KafkaStreams.State.RUNNING, run.stateAfter, "the app keeps running");
    }

    @Test
    void shouldPublishASnapshotCountingTheEventsOfSkippedSteps(EmbeddedKafka kafka) throws Exception {
        Exploded run = explode(kafka, "linear", 1e16f);

        ModelSnapshot latest = run.outputs.latest(MODEL);
        assertEquals(EVENTS, latest.getEventsTrained(), "events of skipped steps are still counted");
        assertTrue(latest.getSkippedSteps() > 0, "steps skipped: " + latest.getSkippedSteps());
        assertTrue(latest.getEventsInSkippedSteps() >= latest.getSkippedSteps()
                && latest.getEventsInSkippedSteps() <= EVENTS, "counted honestly as not learned from: "
                + latest.getEventsInSkippedSteps() + " events in " + latest.getSkippedSteps() + " skipped steps");
    }

    @Test
    void shouldKeepRunningAndRaiseNonFiniteStepWhenAnExplodingMlpPredictsNaN(EmbeddedKafka kafka) throws Exception {
        Exploded run = explode(kafka, "mlp", 1e17f);

        assertTrue(run.outputs.alerts().stream().anyMatch(alert -> alert.getKind() == AlertKind.NON_FINITE_STEP));
        run.outputs.snapshotsOf(MODEL).forEach(NumericalFaultTest::assertAllFinite);
        assertEquals(KafkaStreams.State.RUNNING, run.stateAfter, "the app keeps running");
    }

    private record Exploded(AppOutputs outputs, KafkaStreams.State stateAfter) {
    }

    /**
     * Runs the app at the largest learning rate allowed, unstandardised, on the stream's features times
     * {@code featureScale}, until a NON_FINITE_STEP alert is out and the last events had time to be published.
     */
    private Exploded explode(EmbeddedKafka kafka, String modelType, float featureScale) throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), KafkaTestClient.uniqueName("numeric"), 1);
            settings.put("state.dir", work.toString());
            settings.put(BallastConfig.MODEL_TYPE, modelType);
            settings.put(BallastConfig.OPTIMIZER, "sgd");
            settings.put(BallastConfig.LEARNING_RATE, "1e6");
            settings.put(BallastConfig.MODEL_STANDARDIZE, "false");
            BallastConfig config = new BallastConfig(settings);
            new KafkaTestClient(kafka).createTopics(1, config.getString(BallastConfig.EVENTS_TOPIC));
            Map<String, Object> client = config.nonBallastProperties();
            try (BallastApp app = BallastApp.start(config);
                 EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                         config.getString(BallastConfig.EVENTS_TOPIC));
                 DriftingStream stream = new DriftingStream(TestApps.STREAM, EVENTS)) {
                for (long sequence = 0; stream.hasNext(); sequence++) {
                    publisher.send(scaled(Events.of(stream.next(), TestApps.labels(), MODEL, sequence), featureScale));
                }
                publisher.flush();
                AppOutputs.await(config, read -> read.alerts().stream()
                        .anyMatch(alert -> alert.getKind() == AlertKind.NON_FINITE_STEP), "a NON_FINITE_STEP alert",
                        Duration.ofSeconds(60));
                // Every event is counted, skipped step or not: wait for the snapshot that reflects the last of them (a
                // fixed pause was too short on a loaded machine).
                return new Exploded(AppOutputs.awaitEventsTrained(config, MODEL, EVENTS, Duration.ofSeconds(60)),
                        app.state());
            }
        }
    }

    /** {@code event} with its dense features times {@code featureScale}: at these settings, a step that blows up. */
    static LabelledEvent scaled(LabelledEvent event, float featureScale) {
        List<Float> values = ((DenseFeatures) event.getFeatures()).getValues().stream()
                .map(value -> value * featureScale).toList();
        return LabelledEvent.newBuilder(event).setFeatures(new DenseFeatures(values)).build();
    }

    private static void assertAllFinite(ModelSnapshot snapshot) {
        for (Tensor tensor : snapshot.getParameters()) {
            FloatBuffer values = ByteBuffer.wrap(bytes(tensor.getData())).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = 0; i < values.limit(); i++) {
                assertTrue(Float.isFinite(values.get(i)), "version " + snapshot.getVersion() + " " + tensor.getName()
                        + "[" + i + "] = " + values.get(i));
            }
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
