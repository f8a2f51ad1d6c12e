package dev.ballast.cli;

import dev.ballast.config.BallastConfig;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.topology.BallastSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads Ballast's output topics from the beginning (read_committed, no consumer group) and keeps what the CLI
 * shows: the newest snapshot and metrics per model, the alerts, and the dead-letter count.
 */
final class OutputReader implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final BallastSerdes serdes;
    private final String snapshotsTopic;
    private final String metricsTopic;
    private final String alertsTopic;
    private final String deadLettersTopic;

    final Map<String, ModelSnapshot> latestSnapshots = new TreeMap<>();
    final Map<String, TrainingMetrics> latestMetrics = new TreeMap<>();
    final List<ImbalanceAlert> alerts = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();

    OutputReader(BallastConfig config, Map<String, Object> clientProperties) {
        Map<String, Object> properties = new HashMap<>();
        for (String name : ConsumerConfig.configNames()) {
            if (clientProperties.containsKey(name)) {
                properties.put(name, clientProperties.get(name));
            }
        }
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        this.serdes = BallastSerdes.fromConfig(clientProperties);
        this.snapshotsTopic = config.getString(BallastConfig.MODEL_UPDATES_TOPIC);
        this.metricsTopic = config.getString(BallastConfig.METRICS_TOPIC);
        this.alertsTopic = config.getString(BallastConfig.ALERTS_TOPIC);
        this.deadLettersTopic = config.getString(BallastConfig.DEAD_LETTERS_TOPIC);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(snapshotsTopic, metricsTopic, alertsTopic, deadLettersTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(15))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once; returns the number of records read. */
    int poll(Duration timeout) {
        int read = 0;
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            read++;
            if (record.value() == null) {
                continue;
            }
            String topic = record.topic();
            if (topic.equals(snapshotsTopic)) {
                ModelSnapshot snapshot = serdes.snapshots().deserializer().deserialize(topic, record.value());
                latestSnapshots.merge(snapshot.getModelId(), snapshot,
                        (held, arrived) -> arrived.getVersion() > held.getVersion() ? arrived : held);
            } else if (topic.equals(metricsTopic)) {
                TrainingMetrics metrics = serdes.metrics().deserializer().deserialize(topic, record.value());
                latestMetrics.put(metrics.getModelId(), metrics);
            } else if (topic.equals(alertsTopic)) {
                alerts.add(serdes.alerts().deserializer().deserialize(topic, record.value()));
            } else if (topic.equals(deadLettersTopic)) {
                deadLetters.add(serdes.deadLetters().deserializer().deserialize(topic, record.value()));
            }
        }
        return read;
    }

    /** Reads until the end of every partition as of now. */
    void readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (System.nanoTime() < deadline) {
            boolean done = ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
            if (done) {
                return;
            }
            poll(Duration.ofMillis(200));
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
