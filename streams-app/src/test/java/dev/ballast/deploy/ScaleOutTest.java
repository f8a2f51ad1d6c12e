package dev.ballast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.TestApps;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two instances with one application id split the models of a four-partition events topic between them. */
@BrokerTest
class ScaleOutTest {

    private static final int PARTITIONS = 4;
    /** Chosen so that the default partitioner puts at least one on every one of the 4 partitions. */
    private static final List<String> MODELS = List.of("spam", "search", "ads", "fraud", "content", "pricing");
    private static final int EVENTS_PER_MODEL = 150;

    private static EmbeddedSchemaRegistry registry;

    @TempDir
    Path work;

    @BeforeAll
    static void useSharedRegistry(EmbeddedSchemaRegistry shared) {
        registry = shared;
    }

    @Test
    void shouldSplitTasksBetweenInstancesAndTrainEveryEventOfEveryModelOnce(EmbeddedKafka kafka) throws Exception {
        Set<Integer> modelPartitions = MODELS.stream().map(ScaleOutTest::partitionOf).collect(Collectors.toSet());
        assertEquals(Set.of(0, 1, 2, 3), modelPartitions, "the models cover every partition");
        Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(),
                KafkaTestClient.uniqueName("scale"), PARTITIONS);
        settings.put(BallastConfig.MODELS, String.join(",", MODELS));
        BallastConfig first = instance(settings, "first");
        BallastConfig second = instance(settings, "second");

        try (BallastApp one = BallastApp.start(first); BallastApp two = BallastApp.start(second)) {
            awaitBothRunningWithTasks(one, two);
            Set<String> tasksOfOne = activeTasks(one);
            Set<String> tasksOfTwo = activeTasks(two);
            Set<String> shared = new HashSet<>(tasksOfOne);
            shared.retainAll(tasksOfTwo);
            assertTrue(shared.isEmpty(), "no task runs on both: " + shared);
            assertEquals(Set.of(0, 1, 2, 3), partitionsOf(one, two, first.getString(BallastConfig.EVENTS_TOPIC)),
                    "between them the instances read every events partition");

            Map<String, Object> client = first.nonBallastProperties();
            try (EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                    first.getString(BallastConfig.EVENTS_TOPIC))) {
                DriftingStreamSpec demo = DriftingStreamSpec.demo();
                for (int m = 0; m < MODELS.size(); m++) {
                    DriftingStreamSpec spec = new DriftingStreamSpec(demo.featureCount(), demo.labelCount(), m + 1,
                            demo.driftPeriodEvents(), demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(), false, 0);
                    try (DriftingStream stream = new DriftingStream(spec, EVENTS_PER_MODEL)) {
                        publisher.publish(stream, first.getList(BallastConfig.MODEL_LABELS), MODELS.get(m), EVENTS_PER_MODEL, 0, 0, m);
                    }
                }
            }
            ModelUpdates.await(first, latest -> latest.keySet().containsAll(MODELS)
                    && latest.values().stream().allMatch(snapshot -> snapshot.getEventsTrained() >= EVENTS_PER_MODEL),
                    Duration.ofSeconds(90));
            Thread.sleep(1_000);
        }
        Map<String, ModelSnapshot> latest = ModelUpdates.latest(first);
        Map<String, Long> expected = MODELS.stream().collect(Collectors.toMap(model -> model, model -> (long) EVENTS_PER_MODEL));
        assertEquals(expected, ModelUpdates.eventsTrained(latest), "every valid event trained exactly once, per model");
    }

    private BallastConfig instance(Map<String, String> settings, String name) {
        Map<String, String> instance = new HashMap<>(settings);
        instance.put("state.dir", work.resolve(name).toString());
        return new BallastConfig(instance);
    }

    private static int partitionOf(String modelId) {
        return Utils.toPositive(Utils.murmur2(modelId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static void awaitBothRunningWithTasks(BallastApp one, BallastApp two) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(runningWithTasks(one) && runningWithTasks(two))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not both running with tasks within 60 s: " + one.state() + " " + activeTasks(one)
                        + ", " + two.state() + " " + activeTasks(two));
            }
            Thread.sleep(200);
        }
    }

    private static boolean runningWithTasks(BallastApp app) {
        return app.state() == KafkaStreams.State.RUNNING && !activeTasks(app).isEmpty();
    }

    private static Set<String> activeTasks(BallastApp app) {
        return app.metadataForLocalThreads().stream().flatMap(thread -> thread.activeTasks().stream())
                .map(task -> task.taskId().toString()).collect(Collectors.toSet());
    }

    private static Set<Integer> partitionsOf(BallastApp one, BallastApp two, String topic) {
        Set<Integer> partitions = new HashSet<>();
        for (BallastApp app : List.of(one, two)) {
            for (ThreadMetadata thread : app.metadataForLocalThreads()) {
                for (TaskMetadata task : thread.activeTasks()) {
                    task.topicPartitions().stream().filter(partition -> partition.topic().equals(topic))
                            .forEach(partition -> partitions.add(partition.partition()));
                }
            }
        }
        return partitions;
    }
}
