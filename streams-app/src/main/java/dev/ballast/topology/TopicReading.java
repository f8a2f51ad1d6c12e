package dev.ballast.topology;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Reads a whole topic once, from the beginning to its end when the read starts, as a {@code read_committed} consumer
 * with the app's restore-consumer settings (so the user's security and client settings apply): how the start-up
 * check and the model reset read the compacted topics the app keeps. The read fails only when its position stops
 * advancing for {@value #TIMEOUT_SECONDS} s while records remain, however long the whole topic takes.
 */
final class TopicReading {

    private static final int TIMEOUT_SECONDS = 60;
    private static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);

    private TopicReading() {
    }

    private static long positions(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        return partitions.stream().mapToLong(consumer::position).sum();
    }

    static void readToEnd(StreamsConfig streamsConfig, String clientId, String topic,
            Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<String, Object> settings = streamsConfig.getRestoreConsumerConfigs(clientId);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            // A long topic may take longer than the timeout to read; only a read that stops advancing fails. Progress
            // is the consumer's position, which also moves over what read_committed skips (aborted records, markers).
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            long read = positions(consumer, partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end: no progress for "
                            + TIMEOUT.toSeconds() + " s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(each);
                long now = positions(consumer, partitions);
                if (now > read) {
                    read = now;
                    deadline = System.nanoTime() + TIMEOUT.toNanos();
                }
            }
        }
    }
}
