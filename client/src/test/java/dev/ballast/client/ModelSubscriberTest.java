package dev.ballast.client;

import static dev.ballast.client.TestSnapshots.linear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.schema.ModelSnapshot;
import dev.ballast.serde.BadRecordException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The subscriber's polling loop on a {@link MockConsumer}, driven round by round on the test thread. Values are
 * Avro single-object encoded, so no registry is needed; what reaches the deserializer is the same.
 */
class ModelSubscriberTest {

    private static final String TOPIC = "models";

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final List<String> updates = new ArrayList<>();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();

    @Test
    void shouldAssignEveryPartitionWithoutAGroupAndReadEachFromTheBeginning() throws Exception {
        ModelSubscriber subscriber = subscriber(Map.of());
        partitions(2);
        subscriber.pollOnce();

        assertEquals(Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)), consumer.assignment());
        assertTrue(consumer.subscription().isEmpty(), "assigned, not subscribed: no group");
        append(0, "a", encode(linear("a", 1, 0f)));
        append(1, "b", encode(linear("b", 4, 0f)));
        subscriber.pollOnce();

        assertEquals(1L, subscriber.current("a").orElseThrow().version());
        assertEquals(4L, subscriber.current("b").orElseThrow().version());
    }

    @Test
    void shouldSkipUndecodableAndUnusableRecordsAndReadOn() throws Exception {
        ModelSubscriber subscriber = subscriber(Map.of());
        partitions(1);
        subscriber.pollOnce();
        ModelSnapshot misshapen = linear("m", 2, 0f);
        misshapen.setArchitecture("mlp");

        append(0, "m", new byte[] {0, 1, 2});
        append(0, "m", encode(misshapen));
        append(0, "m", encode(linear("other", 3, 0f)));
        append(0, "m", encode(linear("m", 1, 0f)));
        subscriber.pollOnce();

        assertEquals(List.of("m: none -> 1"), updates);
    }

    @Test
    void shouldRemoveTheModelOnATombstoneAndTellListeners() throws Exception {
        ModelSubscriber subscriber = subscriber(Map.of());
        partitions(1);
        subscriber.pollOnce();

        append(0, "m", encode(linear("m", 1, 0f)));
        append(0, "m", encode(linear("m", 2, 0f)));
        append(0, "m", null);
        subscriber.pollOnce();

        assertEquals(List.of("m: none -> 1", "m: 1 -> 2", "m: 2 -> none"), updates);
        assertTrue(subscriber.current("m").isEmpty());
    }

    @Test
    void shouldIgnoreStaleVersionsWhateverTheirPartition() throws Exception {
        ModelSubscriber subscriber = subscriber(Map.of());
        partitions(2);
        subscriber.pollOnce();

        append(0, "m", encode(linear("m", 5, 0f)));
        subscriber.pollOnce();
        append(1, "m", encode(linear("m", 3, 0f)));
        append(0, "m", encode(linear("m", 5, 1f)));
        subscriber.pollOnce();

        assertEquals(List.of("m: none -> 5"), updates);
    }

    @Test
    void shouldHoldOnlyTheConfiguredModelIds() throws Exception {
        ModelSubscriber subscriber = subscriber(Map.of(ModelSubscriberConfig.MODEL_IDS, "a"));
        partitions(1);
        subscriber.pollOnce();

        append(0, "b", encode(linear("b", 1, 0f)));
        append(0, "a", encode(linear("a", 1, 0f)));
        append(0, "b", null);
        subscriber.pollOnce();

        assertEquals(List.of("a: none -> 1"), updates);
        assertTrue(subscriber.current("b").isEmpty());
    }

    @Test
    void shouldReadPartitionsAddedLaterFromTheBeginning() throws Exception {
        ModelSubscriber subscriber = subscriber(Map.of());
        partitions(1);
        subscriber.pollOnce();
        partitions(2);
        Thread.sleep(20);

        subscriber.pollOnce();
        append(1, "m", encode(linear("m", 1, 0f)));
        subscriber.pollOnce();

        assertEquals(2, consumer.assignment().size());
        assertEquals(List.of("m: none -> 1"), updates);
    }

    @Test
    void shouldTellEveryListenerAndReadOnWhenAListenerThrows() throws Exception {
        List<Long> seen = new ArrayList<>();
        ModelSubscriber subscriber = new ModelSubscriber(config(Map.of()), consumer, ModelSubscriberTest::decode,
                List.<ModelUpdateListener>of((modelId, previous, current) -> {
                    throw new IllegalStateException("listener bug");
                }, (modelId, previous, current) -> seen.add(current.version())));
        partitions(1);
        subscriber.pollOnce();

        append(0, "m", encode(linear("m", 1, 0f)));
        append(0, "m", encode(linear("m", 2, 0f)));
        subscriber.pollOnce();

        assertEquals(List.of(1L, 2L), seen);
    }

    @Test
    void shouldTimeOutWaitingForAModelAndCloseTheConsumerOnClose() throws Exception {
        ModelSubscriber subscriber = subscriber(Map.of());
        subscriber.start();

        assertThrows(TimeoutException.class, () -> subscriber.awaitModel("m", Duration.ofMillis(100)));
        subscriber.close();

        assertTrue(consumer.closed());
        assertThrows(IllegalStateException.class, () -> subscriber.awaitModel("m", Duration.ofMillis(100)));
        assertThrows(IllegalStateException.class, subscriber::start);
    }

    @Test
    void shouldRefuseToWaitBeforeStartAndCloseTheConsumerOnceWhenNeverStarted() {
        ModelSubscriber subscriber = subscriber(Map.of());

        assertThrows(IllegalStateException.class, () -> subscriber.awaitModel("m", Duration.ofMillis(100)));
        subscriber.close();

        assertTrue(consumer.closed());
        subscriber.close();
    }

    private ModelSubscriber subscriber(Map<String, Object> settings) {
        return new ModelSubscriber(config(settings), consumer, ModelSubscriberTest::decode,
                List.of((modelId, previous, current) -> updates.add(modelId + ": " + version(previous) + " -> "
                        + version(current))));
    }

    private static ModelSubscriberConfig config(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put(ModelSubscriberConfig.TOPIC, TOPIC);
        all.put(ModelSubscriberConfig.PARTITION_REFRESH_MS, 10L);
        return new ModelSubscriberConfig(all);
    }

    private static String version(ModelHandle handle) {
        return handle == null ? "none" : Long.toString(handle.version());
    }

    private void partitions(int count) {
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(TOPIC, IntStream.range(0, count)
                .mapToObj(partition -> new PartitionInfo(TOPIC, partition, node, new Node[] {node}, new Node[] {node}))
                .toList());
        Map<TopicPartition, Long> zeros = IntStream.range(0, count).boxed()
                .collect(Collectors.toMap(partition -> new TopicPartition(TOPIC, partition), partition -> 0L));
        consumer.updateBeginningOffsets(zeros);
        consumer.updateEndOffsets(zeros);
    }

    private void append(int partition, String key, byte[] value) {
        TopicPartition topicPartition = new TopicPartition(TOPIC, partition);
        long offset = nextOffsets.merge(topicPartition, 1L, Long::sum) - 1;
        consumer.addRecord(new ConsumerRecord<>(TOPIC, partition, offset, key, value));
    }

    private static byte[] encode(ModelSnapshot snapshot) {
        try {
            ByteBuffer buffer = snapshot.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ModelSnapshot decode(String topic, byte[] bytes) {
        try {
            return ModelSnapshot.fromByteBuffer(ByteBuffer.wrap(bytes));
        } catch (IOException | AvroRuntimeException e) {
            throw new BadRecordException(BadRecordException.Kind.MALFORMED, String.valueOf(e.getMessage()), e);
        }
    }
}
