package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.PrivateBroker;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away for a while and comes back on the same data: the app resumes by itself, counts exact. */
@BrokerTest
class BrokerRestartTest {

    private static final String MODEL = "default";
    private static final Duration BROKER_DOWN = Duration.ofSeconds(5);

    @TempDir
    Path work;

    @Test
    void shouldResumeByItselfAndCountExactlyWhenTheBrokerRestartsUnderIt(@PrivateBroker EmbeddedKafka kafka)
            throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), KafkaTestClient.uniqueName("restart"), 1);
            settings.put("state.dir", work.toString());
            BallastConfig config = new BallastConfig(settings);
            new KafkaTestClient(kafka).createTopics(1, config.getString(BallastConfig.EVENTS_TOPIC));
            Map<String, Object> client = config.nonBallastProperties();
            EventPublisher.Sent before;
            EventPublisher.Sent after;
            try (BallastApp app = BallastApp.start(config);
                 DriftingStream stream = new DriftingStream(TestApps.STREAM, 3_000)) {
                try (EventPublisher publisher = publisher(config, client)) {
                    before = publisher.publish(stream, TestApps.labels(), MODEL, 1_500, 9, 0, 1);
                }
                AppOutputs.awaitEventsTrained(config, MODEL, before.valid(), Duration.ofSeconds(90));

                kafka.stop();
                Thread.sleep(BROKER_DOWN.toMillis());
                kafka.restart();

                try (EventPublisher publisher = publisher(config, client)) {
                    after = publisher.publish(stream, TestApps.labels(), MODEL, 1_500, 9, 0, 2);
                }
                AppOutputs.awaitEventsTrained(config, MODEL, before.valid() + after.valid(), Duration.ofSeconds(120));
                assertEquals(KafkaStreams.State.RUNNING, app.state());
            }
            AppOutputs outputs = AppOutputs.read(config);
            assertEquals(before.valid() + after.valid(), outputs.latest(MODEL).getEventsTrained(), "no event lost or doubled");
            assertEquals(before.bad() + after.bad(), outputs.deadLetters().size(), "every bad record dead-lettered once");
            CrashLoopTest.assertVersionsStrictlyIncrease(outputs.snapshotsOf(MODEL));
        }
    }

    private static EventPublisher publisher(BallastConfig config, Map<String, Object> client) {
        return new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                config.getString(BallastConfig.EVENTS_TOPIC));
    }
}
