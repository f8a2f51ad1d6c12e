package dev.ballast.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.TestApps;
import dev.ballast.cluster.BallastSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ballast run} killed with {@code kill -9} while half of the events arrive unlabelled and their labels follow
 * on the labels topic 0.2-3 s later: every unlabelled event has exactly one committed prediction, and every event,
 * labelled or joined with its late labels, is trained exactly once.
 */
@BrokerTest
class LateLabelCrashLoopTest {

    private static final Logger LOG = LoggerFactory.getLogger(LateLabelCrashLoopTest.class);
    private static final String MODEL = "default";

    @TempDir
    Path work;

    @Test
    void shouldPredictEveryUnlabelledEventOnceAndTrainEveryJoinedEventOnceWhenKilled(
            dev.ballast.embedded.kafka.EmbeddedKafka kafka) throws Exception {
        long events = Long.getLong("ballast.reliability.crash.events", 20_000) / 2;
        int kills = Math.max(2, Integer.getInteger("ballast.reliability.crash.kills", 3) - 1);
        long seed = Long.getLong("ballast.reliability.seed", System.nanoTime());
        LOG.info("Late-label crash loop: {} events, half unlabelled, {} kills, seed {}", events, kills, seed);
        Random random = new Random(seed);
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(),
                    KafkaTestClient.uniqueName("late-crash"), 1);
            settings.put("state.dir", work.resolve("state").toString());
            settings.put("session.timeout.ms", "6000");
            settings.put("heartbeat.interval.ms", "1000");
            BallastConfig config = new BallastConfig(settings);
            Path log = work.resolve("ballast-run.log");
            new KafkaTestClient(kafka).createTopics(1, config.getString(BallastConfig.EVENTS_TOPIC),
                    config.getString(BallastConfig.LABELS_TOPIC));

            RunProcess app = RunProcess.start(settings, log);
            double eventsPerSecond = events / (kills * 5.0);
            CompletableFuture<long[]> publishing = CompletableFuture.supplyAsync(() -> publish(config, events,
                    eventsPerSecond, seed));
            long predictedAtKill = 0;
            for (int kill = 1; kill <= kills; kill++) {
                long before = predictedAtKill;
                predictedAtKill = AppOutputs.await(config, outputs -> outputs.predictions().size() > before,
                        "predictions beyond " + before, Duration.ofMinutes(2)).predictions().size();
                Thread.sleep(random.nextInt(1_500));
                app.kill();
                LOG.info("Late-label crash loop: kill {} of {} after {} predictions", kill, kills, predictedAtKill);
                app = RunProcess.start(settings, log);
            }
            long[] sent = publishing.get(5, TimeUnit.MINUTES);
            AppOutputs outputs;
            try {
                outputs = AppOutputs.awaitEventsTrained(config, MODEL, sent[0], Duration.ofSeconds(180 + events / 100));
            } catch (AssertionError e) {
                AppOutputs read = AppOutputs.read(config);
                ModelSnapshot last = read.latest(MODEL);
                throw new AssertionError(e.getMessage() + " (latest: " + (last == null ? "none" : last.getEventsTrained()
                        + " events trained") + ", " + read.predictions().size() + " predictions of " + sent[1]
                        + " unlabelled events)\n" + app.logTail(), e);
            }
            app.kill();
            outputs = AppOutputs.read(config);

            ModelSnapshot latest = outputs.latest(MODEL);
            assertEquals(sent[0], latest.getEventsTrained(), "every event, labelled or joined, trained exactly once");
            Set<String> predicted = outputs.predictions().stream().map(Prediction::getEventId).collect(Collectors.toSet());
            assertEquals(sent[1], outputs.predictions().size(), "one committed prediction per unlabelled event");
            assertEquals(sent[1], predicted.size(), "no event predicted twice");
            assertTrue(outputs.deadLetters().isEmpty(), "no orphan or duplicate label: " + outputs.deadLetters());
            CrashLoopTest.assertVersionsStrictlyIncrease(outputs.snapshotsOf(MODEL));
            LOG.info("Late-label crash loop result: events={} unlabelled={} kills={} predictions={} trained={}",
                    sent[0], sent[1], kills, outputs.predictions().size(), latest.getEventsTrained());
        }
    }

    /** Returns the events sent and how many of them were unlabelled. */
    private static long[] publish(BallastConfig config, long events, double eventsPerSecond, long seed) {
        Map<String, Object> client = config.nonBallastProperties();
        BallastSerdes serdes = BallastSerdes.fromConfig(client);
        try (EventPublisher publisher = new EventPublisher(client, serdes.events().serializer(),
                config.getString(BallastConfig.EVENTS_TOPIC)).lateLabels(config.getString(BallastConfig.LABELS_TOPIC),
                        serdes.labels().serializer(), 0.5, 200, 3_000, seed);
             DriftingStream stream = new DriftingStream(TestApps.STREAM, events)) {
            EventPublisher.Sent sent = publisher.publish(stream, TestApps.labels(), MODEL, events, 0, eventsPerSecond, seed);
            return new long[] {sent.valid(), publisher.unlabelled()};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
