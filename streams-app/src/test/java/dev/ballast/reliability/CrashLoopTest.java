package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.cluster.BallastSerdes;
import dev.ballast.training.OnlineTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ballast run} as a child process, killed with {@code kill -9} at random moments while events (and malformed
 * records) stream in, and restarted each time on the same state directory. Exactly-once must hold across all of it.
 *
 * <p>Sized by system properties: {@code ballast.reliability.crash.events} (default 20,000) and
 * {@code ballast.reliability.crash.kills} (default 3); {@code -Preliability} runs 300,000 events and 6 kills.
 */
@BrokerTest
class CrashLoopTest {

    private static final Logger LOG = LoggerFactory.getLogger(CrashLoopTest.class);
    private static final String MODEL = "default";

    @TempDir
    Path work;

    @Test
    void shouldTrainEveryValidEventAndDeadLetterEveryBadRecordExactlyOnceWhenKilledRepeatedly(EmbeddedKafka kafka)
            throws Exception {
        crashLoop(kafka, Long.getLong("ballast.reliability.crash.events", 20_000),
                Integer.getInteger("ballast.reliability.crash.kills", 3), 0);
    }

    /**
     * A tenth of the events keyed wrong: they reach the model through the repartition topic, interleaved with the
     * others, so a restore reads events back from the events topic up to where the journal of that cycle starts.
     * Kafka Streams interleaves the two inputs as records arrive, so the training order is not the publishing order
     * and only the count is compared: every valid event trained exactly once.
     */
    @Test
    void shouldTrainEveryEventExactlyOnceWhenSomeComeThroughTheRepartitionTopic(EmbeddedKafka kafka) throws Exception {
        crashLoop(kafka, Long.getLong("ballast.reliability.crash.events", 20_000) / 2,
                Math.max(2, Integer.getInteger("ballast.reliability.crash.kills", 3) - 1), 0.1);
    }

    private void crashLoop(EmbeddedKafka kafka, long events, int kills, double misKeyedShare) throws Exception {
        int badRecords = (int) Math.max(18, events / 1_000);
        long seed = Long.getLong("ballast.reliability.seed", System.nanoTime());
        LOG.info("Crash loop: {} events ({} keyed wrong), {} bad records, {} kills, seed {}", events, misKeyedShare,
                badRecords, kills, seed);
        Random random = new Random(seed);

        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), KafkaTestClient.uniqueName("crash"), 1);
            settings.put("state.dir", work.resolve("state").toString());
            // A killed member leaves no goodbye: a short session lets the next start take its partitions promptly.
            settings.put("session.timeout.ms", "6000");
            settings.put("heartbeat.interval.ms", "1000");
            BallastConfig config = new BallastConfig(settings);
            Path log = work.resolve("ballast-run.log");
            new KafkaTestClient(kafka).createTopics(1, config.getString(BallastConfig.EVENTS_TOPIC));

            RunProcess app = RunProcess.start(settings, log);
            // Production spans the kill schedule, so every kill lands while events are arriving.
            double eventsPerSecond = events / (kills * 5.0);
            CompletableFuture<EventPublisher.Sent> publishing = CompletableFuture.supplyAsync(() -> publish(config,
                    events, badRecords, eventsPerSecond, seed, misKeyedShare));
            long trainedAtKill = 0;
            for (int kill = 1; kill <= kills; kill++) {
                trainedAtKill = awaitProgressBeyond(config, trainedAtKill, app);
                Thread.sleep(random.nextInt(1_500));
                app.kill();
                LOG.info("Crash loop: kill {} of {} after at least {} events trained", kill, kills, trainedAtKill);
                app = RunProcess.start(settings, log);
            }
            EventPublisher.Sent sent = publishing.get(5, TimeUnit.MINUTES);
            AppOutputs outputs;
            try {
                outputs = AppOutputs.awaitEventsTrained(config, MODEL, sent.valid(),
                        Duration.ofSeconds(120 + events / 1_000));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + app.logTail() + "\nKafka Streams threads of the app:\n"
                        + app.streamThreadStacks(), e);
            }
            // The last app may still be starting: its predecessor can have trained and published every event before
            // it was killed. SIGTERM before Ballast is up ends the JVM at once, which tests nothing (it happened in CI:
            // exit 143 within 20 ms and not a line logged), so the stop waits for the app to run.
            app.awaitLogged("REBALANCING -> RUNNING", Duration.ofMinutes(2));
            String stopped = app.stop();
            LOG.info("Crash loop: on SIGTERM the app {}", stopped);
            // SIGTERM must end the process by itself, and Ballast says whether Kafka Streams stopped cleanly ("Ballast
            // stopped in N ms") or not (a warning with the stream threads' stacks): if it does not stop within the close
            // timeout, Ballast exits without the final commit, which loses nothing under exactly-once (the assertions
            // below check that). A process still alive after a minute is dumped (jstack, into the failure message) and
            // killed: that fails here. Not the state listener's "-> NOT_RUNNING": Kafka Streams 4.3.1 calls listeners
            // after waking close(), so the JVM can exit before that line is written (it did in CI).
            String ownLog = app.logSinceStart();
            assertTrue(!app.isAlive() && !stopped.contains("killed"), "SIGTERM ends the app: it " + stopped + ":\n"
                    + ownLog);
            boolean clean = ownLog.contains("Ballast stopped in");
            assertTrue(clean || ownLog.contains("Kafka Streams did not stop within"), "a stop that was not clean "
                    + "says so; the app " + stopped + ":\n" + ownLog);
            if (!clean) {
                LOG.warn("Crash loop: Kafka Streams did not stop cleanly on SIGTERM; the app {}:\n{}", stopped, ownLog);
            }
            outputs = AppOutputs.read(config);

            ModelSnapshot latest = outputs.latest(MODEL);
            assertEquals(events, sent.valid());
            assertEquals(sent.valid(), latest.getEventsTrained(), "every valid event trained exactly once");
            double difference = Double.NaN;
            if (misKeyedShare == 0) {
                OnlineTrainer replayed = ReplayedLearner.replay(config, events);
                difference = ReplayedLearner.largestRelativeDifference(latest, replayed);
                assertTrue(difference <= 1e-9, "decayed label counts equal the learner's alone on the same events, in "
                        + "order; largest relative difference " + difference);
            }
            assertVersionsStrictlyIncrease(outputs.snapshotsOf(MODEL));
            assertEquals(sent.bad(), outputs.deadLetters().size(), "every bad record dead-lettered");
            Set<Long> offsets = new HashSet<>();
            for (DeadLetter letter : outputs.deadLetters()) {
                assertTrue(offsets.add(letter.getSourceOffset()), "dead-lettered once: offset " + letter.getSourceOffset());
                assertTrue(!letter.getReason().isBlank(), "a dead letter says why");
            }
            // How each restart rebuilt the model: events read back from the events topic, journalled events replayed.
            java.nio.file.Files.readAllLines(log).stream().filter(line -> line.contains("' restored:"))
                    .forEach(line -> LOG.info("Crash loop restore: {}", line.substring(line.indexOf("Model '"))));
            LOG.info("Crash loop result: events={} kills={} deadLetters={} duplicates=0 lost=0 snapshotVersion={} "
                    + "labelCountDifference={}", sent.valid(), kills, outputs.deadLetters().size(), latest.getVersion(),
                    difference);
        }
    }

    private static EventPublisher.Sent publish(BallastConfig config, long events, int badRecords, double eventsPerSecond,
            long seed, double misKeyedShare) {
        Map<String, Object> client = config.nonBallastProperties();
        try (EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                config.getString(BallastConfig.EVENTS_TOPIC)).misKeying(misKeyedShare, seed);
             DriftingStream stream = new DriftingStream(TestApps.STREAM, events)) {
            return publisher.publish(stream, TestApps.labels(), MODEL, events, badRecords, eventsPerSecond, seed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the running app has committed a snapshot beyond {@code trained} events, so a kill hits it mid-work. */
    private static long awaitProgressBeyond(BallastConfig config, long trained, RunProcess app) throws InterruptedException {
        try {
            ModelSnapshot latest = AppOutputs.await(config, outputs -> {
                ModelSnapshot snapshot = outputs.latest(MODEL);
                return snapshot != null && snapshot.getEventsTrained() > trained;
            }, "progress beyond " + trained + " events", Duration.ofMinutes(2)).latest(MODEL);
            return latest.getEventsTrained();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + app.logTail(), e);
        }
    }

    static void assertVersionsStrictlyIncrease(List<ModelSnapshot> snapshots) {
        for (int i = 1; i < snapshots.size(); i++) {
            assertTrue(snapshots.get(i).getVersion() > snapshots.get(i - 1).getVersion(), "version "
                    + snapshots.get(i).getVersion() + " follows " + snapshots.get(i - 1).getVersion());
        }
    }
}
