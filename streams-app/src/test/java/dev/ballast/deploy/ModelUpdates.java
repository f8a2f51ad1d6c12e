package dev.ballast.deploy;

import dev.ballast.config.BallastConfig;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.cluster.BallastSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the committed model snapshots of an app's model-update topic: the newest version per model id. */
final class ModelUpdates {

    private ModelUpdates() {
    }

    /**
     * Re-reads the topic until {@code done} holds for the latest snapshots.
     *
     * @throws AssertionError if it does not within {@code timeout}, with the snapshots last read
     */
    static Map<String, ModelSnapshot> await(BallastConfig config, Predicate<Map<String, ModelSnapshot>> done,
                                            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, ModelSnapshot> latest = latest(config);
        while (!done.test(latest)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout + "; events trained per model: " + eventsTrained(latest));
            }
            Thread.sleep(300);
            latest = latest(config);
        }
        return latest;
    }

    /** The snapshot with the highest version of every model id on the topic now. */
    static Map<String, ModelSnapshot> latest(BallastConfig config) {
        Map<String, Object> client = config.nonBallastProperties();
        BallastSerdes serdes = BallastSerdes.fromConfig(client);
        String topic = config.getString(BallastConfig.MODEL_UPDATES_TOPIC);
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, client.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        Map<String, ModelSnapshot> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    ModelSnapshot snapshot = serdes.snapshots().deserializer().deserialize(topic, record.value());
                    latest.merge(snapshot.getModelId(), snapshot,
                            (held, arrived) -> arrived.getVersion() > held.getVersion() ? arrived : held);
                }
            }
        }
        return latest;
    }

    static Map<String, Long> eventsTrained(Map<String, ModelSnapshot> snapshots) {
        Map<String, Long> events = new HashMap<>();
        snapshots.forEach((model, snapshot) -> events.put(model, snapshot.getEventsTrained()));
        return events;
    }
}
