package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import dev.ballast.processor.SourceLog;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.serde.BadRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SourceLog} on the cluster: a read_committed consumer with Kafka Streams' restore-consumer settings (so the
 * user's security and client settings apply, {@code restore.consumer.} overrides included) and an admin client for
 * the group's committed offsets. Both are created on first use and kept until the task closes.
 */
final class KafkaSourceLog implements SourceLog {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSourceLog.class);
    /** A read that makes no progress for this long fails the stream thread (which loses nothing: see the caller). */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final StreamsConfig streamsConfig;
    private final Deserializer<LabelledEvent> events;
    private final String groupId;
    private final String clientId;
    /** Whether the app dead-letters records with a negative timestamp (so none of them was trained). */
    private final boolean skipsInvalidTimestamps;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Admin admin;

    KafkaSourceLog(Properties streamsProperties, Deserializer<LabelledEvent> events) {
        this.streamsConfig = new StreamsConfig(streamsProperties);
        this.events = events;
        this.groupId = streamsConfig.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        this.clientId = groupId + "-source-replay-" + INSTANCES.incrementAndGet();
        this.skipsInvalidTimestamps = EventTimestampExtractor.class.getName().equals(
                String.valueOf(streamsProperties.get(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG)))
                && EventTimestampExtractor.Policy.fromConfigName(String.valueOf(streamsProperties.get(
                        BallastConfig.EVENTS_INVALID_TIMESTAMP))) == EventTimestampExtractor.Policy.DEAD_LETTER;
    }

    @Override
    public void read(TopicPartition partition, long from, long to, Visitor each) {
        KafkaConsumer<byte[], byte[]> reader = consumer();
        reader.assign(List.of(partition));
        try {
            long start = reader.beginningOffsets(List.of(partition)).get(partition);
            if (from < start) {
                LOG.warn("Events {}..{} of {} are gone (retention): the model restored from the last save goes on "
                        + "without those {} events", from, start - 1, partition, start - from);
                from = start;
            }
            if (from >= to) {
                return;
            }
            reader.seek(partition, from);
            long lastProgress = System.nanoTime();
            long position = from;
            while (position < to) {
                ConsumerRecords<byte[], byte[]> records = reader.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                    if (record.offset() >= to) {
                        break;
                    }
                    visit(record, each);
                }
                long next = reader.position(partition);
                if (next > position) {
                    position = next;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("cannot read back " + partition + " offsets " + from + ".." + (to - 1)
                            + " to restore a model: stuck at offset " + position + " for " + STALL_TIMEOUT.toSeconds()
                            + " s");
                }
            }
        } finally {
            reader.assign(List.of());
        }
    }

    /** Decodes a record as the events topic's source node does; what it dead-letters is skipped. */
    private void visit(ConsumerRecord<byte[], byte[]> record, Visitor each) {
        if (record.value() == null || skipsInvalidTimestamps && record.timestamp() < 0) {
            return;
        }
        LabelledEvent event;
        try {
            event = events.deserialize(record.topic(), record.headers(), record.value());
        } catch (BadRecordException e) {
            return;
        }
        if (event != null) {
            each.accept(record.offset(), record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                    event);
        }
    }

    @Override
    public long committedOffset(TopicPartition partition) {
        Map<TopicPartition, OffsetAndMetadata> offsets;
        try {
            if ("streams".equalsIgnoreCase(streamsConfig.getString(StreamsConfig.GROUP_PROTOCOL_CONFIG))) {
                offsets = admin().listStreamsGroupOffsets(Map.of(groupId,
                                new ListStreamsGroupOffsetsSpec().topicPartitions(List.of(partition))),
                        new ListStreamsGroupOffsetsOptions().requireStable(true))
                        .partitionsToOffsetAndMetadata(groupId).get(STALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                offsets = admin().listConsumerGroupOffsets(Map.of(groupId,
                                new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(partition))),
                        new ListConsumerGroupOffsetsOptions().requireStable(true))
                        .partitionsToOffsetAndMetadata(groupId).get(STALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the committed offset of " + partition, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read group " + groupId + "'s committed offset of " + partition + ": "
                    + e.getMessage(), e);
        }
        OffsetAndMetadata committed = offsets.get(partition);
        if (committed == null) {
            throw new IllegalStateException("group " + groupId + " has committed no offset of " + partition);
        }
        return committed.offset();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Map<String, Object> settings = streamsConfig.getRestoreConsumerConfigs(clientId);
            settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
            settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
            consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(streamsConfig.getAdminConfigs(clientId));
        }
        return admin;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            consumer = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
