package dev.ballast.bench;

import dev.ballast.config.BallastConfig;
import dev.ballast.training.TrainerSettings;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.embedded.kafka.EmbeddedKafkaSettings;
import dev.ballast.learning.NativeRuntime;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.topology.StreamsSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the whole bench in this process: the learner alone for every shape and batch size and the memory of a
 * warmed-up model first, on a machine without broker threads; then an in-process broker and Schema Registry, the
 * pass-through app and the Ballast app over the same events, the snapshot latency of live events, and the Ballast
 * app over events of which a share comes unlabelled with late labels.
 */
public final class Bench {

    private static final String APPLICATION_ID = "ballast-bench";

    private Bench() {
    }

    /**
     * @param userSettings Ballast settings to bench with ({@code --config}/{@code --set}); the broker, registry,
     *                     application id and state directory are the bench's own
     * @param progress     where progress lines go (stderr for the CLI)
     */
    public static BenchReport run(BenchSettings settings, Map<String, String> userSettings, PrintStream progress)
            throws Exception {
        Machine machine = Machine.current();
        long started = System.nanoTime();
        Map<String, String> properties = new HashMap<>(userSettings);
        properties.putIfAbsent(BallastConfig.TOPIC_PARTITIONS, "1");
        BallastConfig learnerConfig = new BallastConfig(properties);
        NativeRuntime.configure(learnerConfig.getInt(BallastConfig.NATIVE_THREADS));
        progress.printf(Locale.ROOT, "bench: %d CPUs (%s), load average %.2f%n", machine.cpus(), machine.cpuModel(),
                machine.loadAverage1());

        LearnerBenchmark learner = new LearnerBenchmark(learnerConfig);
        List<LearnerThroughput> learnerResults = new ArrayList<>();
        for (LearnerShape shape : settings.learnerShapes()) {
            for (int batch : settings.learnerBatches()) {
                LearnerThroughput result = learner.measure(shape, batch, settings.learnerWarmUp(), settings.learnerTimed());
                progress.printf(Locale.ROOT, "bench: learner %s, batch %d: %,.0f events/s%n", shape, batch,
                        result.eventsPerSecond());
                learnerResults.add(result);
            }
        }
        int batchSize = learnerConfig.getInt(BallastConfig.BATCH_SIZE);
        MemoryFootprint footprint = learner.footprint(settings.footprintShape(), batchSize, settings.learnerWarmUp());
        progress.printf(Locale.ROOT, "bench: %s model warmed up: heap %.1f MB after GC, resident set %.0f MB%n",
                footprint.shape(), footprint.heapBytes() / 1e6, footprint.residentSetBytes() / 1e6);

        Path work = Files.createTempDirectory("ballast-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.defaults());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            properties.put("schema.registry.url", registry.url());
            properties.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
            properties.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("training").toString());
            BallastConfig config = new BallastConfig(properties);
            int snapshotSteps = config.getInt(BallastConfig.SNAPSHOT_INTERVAL_STEPS);
            long reportEvery = (long) batchSize * snapshotSteps;
            // Whole snapshot intervals: the last snapshot is then triggered by steps, not by the interval timer.
            long events = eventsAtStepSnapshot(config.forModel(config.getList(BallastConfig.MODELS).get(0))
                    .trainerSettings(), snapshotSteps, settings.events());
            StreamsBenchmark.Result kafkaResult = new StreamsBenchmark(config, settings, work, progress, reportEvery)
                    .run(events);
            String guarantee = String.valueOf(StreamsSettings.of(config).get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
            return new BenchReport(machine, Machine.loadAverage(), events, batchSize, guarantee,
                    kafkaResult.passThrough(), kafkaResult.training(), kafkaResult.latency(), kafkaResult.scoringJoining(),
                    learnerResults, footprint,
                    (System.nanoTime() - started) / 1e9);
        } finally {
            deleteRecursively(work);
        }
    }

    /**
     * The events after which a model publishes a snapshot by steps (one every {@code snapshotSteps} mini-batches,
     * the warm-up's smaller ones included): the first such count at or after {@code atLeast}, and no earlier than the
     * second snapshot.
     */
    static long eventsAtStepSnapshot(TrainerSettings trainer, int snapshotSteps, long atLeast) {
        long events = 0;
        for (long steps = 1; ; steps++) {
            events += trainer.batchSizeAfter(events);
            if (steps % snapshotSteps == 0 && steps >= 2L * snapshotSteps && events >= atLeast) {
                return events;
            }
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the bench's state directory " + directory, e);
        }
    }
}
