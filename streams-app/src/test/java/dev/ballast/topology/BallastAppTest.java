package dev.ballast.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.cluster.BallastSerdes;
import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole app on a real broker: train, dead-letter, stop, restore from the changelog, go on, count exactly. */
@BrokerTest
class BallastAppTest {

    private static EmbeddedSchemaRegistry registry;

    @TempDir
    Path work;

    @BeforeAll
    static void useSharedRegistry(EmbeddedSchemaRegistry shared) {
        registry = shared;
    }

    @Test
    void shouldTrainEveryValidEventExactlyOnceAcrossARestartThatLosesLocalState(EmbeddedKafka kafka) throws Exception {
        String prefix = KafkaTestClient.uniqueName("app");
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), prefix, 2);
        Map<String, String> firstRun = new HashMap<>(settings);
        firstRun.put("state.dir", work.resolve("first").toString());
        BallastConfig config = new BallastConfig(firstRun);
        Map<String, Object> client = config.nonBallastProperties();
        List<String> labels = config.getList(BallastConfig.MODEL_LABELS);

        EventPublisher.Sent firstBatch;
        try (BallastApp app = BallastApp.start(config);
             EventPublisher publisher = publisher(config, client);
             DriftingStream stream = new DriftingStream(demo, 700)) {
            firstBatch = publisher.publish(stream, labels, "default", 700, 18, 0, 1);
            awaitSnapshotWithEvents(config, client, 700);
        }
        Map<String, String> secondRun = new HashMap<>(settings);
        secondRun.put("state.dir", work.resolve("second").toString());
        BallastConfig restarted = new BallastConfig(secondRun);
        EventPublisher.Sent secondBatch;
        try (EventPublisher publisher = publisher(restarted, client);
             DriftingStream stream = new DriftingStream(new DriftingStreamSpec(demo.featureCount(), demo.labelCount(), 5,
                     demo.driftPeriodEvents(), demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(), false, 0), 500)) {
            secondBatch = publisher.publish(stream, labels, "default", 500, 0, 0, 2);
        }
        List<ModelSnapshot> snapshots;
        try (BallastApp app = BallastApp.start(restarted)) {
            snapshots = awaitSnapshotWithEvents(restarted, client, 1_200);
            Thread.sleep(1_000);
            snapshots = readAll(restarted, client).snapshots;
        }
        assertEquals(1_200, firstBatch.valid() + secondBatch.valid());
        ModelSnapshot last = snapshots.get(snapshots.size() - 1);
        assertEquals(1_200, last.getEventsTrained(), "every valid event trained exactly once");
        for (int i = 1; i < snapshots.size(); i++) {
            assertTrue(snapshots.get(i).getVersion() > snapshots.get(i - 1).getVersion(), "versions strictly increase");
            assertTrue(snapshots.get(i).getEventsTrained() >= snapshots.get(i - 1).getEventsTrained());
        }
        List<DeadLetter> deadLetters = readAll(restarted, client).deadLetters;
        assertEquals(18, deadLetters.size(), "every malformed record dead-lettered exactly once");
        assertTrue(deadLetters.stream().allMatch(letter -> !letter.getReason().isBlank()));
        Map<String, Long> byKind = deadLetters.stream().collect(Collectors.groupingBy(DeadLetter::getErrorKind, Collectors.counting()));
        assertEquals(Map.of("DESERIALIZATION", 8L, "DIMENSION", 2L, "NON_FINITE", 2L, "UNKNOWN_LABEL", 2L,
                "NEGATIVE_WEIGHT", 2L, "UNKNOWN_MODEL", 2L), byKind);
    }

    private static EventPublisher publisher(BallastConfig config, Map<String, Object> client) {
        return new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                config.getString(BallastConfig.EVENTS_TOPIC));
    }

    private record Outputs(List<ModelSnapshot> snapshots, List<DeadLetter> deadLetters) {
    }

    private static List<ModelSnapshot> awaitSnapshotWithEvents(BallastConfig config, Map<String, Object> client, long events)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            List<ModelSnapshot> snapshots = readAll(config, client).snapshots;
            if (!snapshots.isEmpty() && snapshots.get(snapshots.size() - 1).getEventsTrained() >= events) {
                return snapshots;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("no snapshot reflecting " + events + " events within 90 s");
    }

    private static Outputs readAll(BallastConfig config, Map<String, Object> client) {
        BallastSerdes serdes = BallastSerdes.fromConfig(client);
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, client.get("bootstrap.servers"));
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        List<ModelSnapshot> snapshots = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        String snapshotTopic = config.getString(BallastConfig.MODEL_UPDATES_TOPIC);
        String deadLetterTopic = config.getString(BallastConfig.DEAD_LETTERS_TOPIC);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(snapshotTopic, deadLetterTopic)) {
                consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(snapshotTopic)) {
                        snapshots.add(serdes.snapshots().deserializer().deserialize(snapshotTopic, record.value()));
                    } else {
                        deadLetters.add(serdes.deadLetters().deserializer().deserialize(deadLetterTopic, record.value()));
                    }
                }
            }
        }
        snapshots.sort(java.util.Comparator.comparingLong(ModelSnapshot::getVersion));
        return new Outputs(snapshots, deadLetters);
    }
}
