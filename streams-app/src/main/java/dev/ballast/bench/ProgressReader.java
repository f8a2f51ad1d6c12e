package dev.ballast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows an app's progress on one of its output topics from the moment it is created, as a consumer downstream
 * sees it (read_committed): each record says how many input events the app has processed, and every increase is
 * noted with the time it was seen.
 */
final class ProgressReader implements AutoCloseable {

    /** The app's progress as first seen at {@code nanoTime} ({@link System#nanoTime()}). */
    record Observation(long events, long nanoTime) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ToLongFunction<byte[]> eventsOf;
    private final List<Observation> observations = new ArrayList<>();
    private long events;

    /** @param eventsOf reads the events processed from a record value */
    ProgressReader(Map<String, Object> clientProperties, String topic, ToLongFunction<byte[]> eventsOf) {
        Map<String, Object> properties = new HashMap<>();
        for (String name : ConsumerConfig.configNames()) {
            if (clientProperties.containsKey(name)) {
                properties.put(name, clientProperties.get(name));
            }
        }
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.eventsOf = eventsOf;
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        // From the end as it is now (resolved at once): records of an earlier app on the same topic are not seen.
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Polls once; returns the highest event count seen so far. */
    long poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            if (record.value() == null) {
                continue;
            }
            long reported = eventsOf.applyAsLong(record.value());
            if (reported > events) {
                events = reported;
                observations.add(new Observation(reported, System.nanoTime()));
            }
        }
        return events;
    }

    long events() {
        return events;
    }

    /** Every increase seen, in order. */
    List<Observation> observations() {
        return List.copyOf(observations);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
