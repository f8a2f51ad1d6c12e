package dev.ballast.client;

import dev.ballast.schema.Prediction;
import dev.ballast.serde.AvroSerdes;
import dev.ballast.serde.BadRecordException;
import dev.ballast.serde.SerdeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the scores Ballast served from its predictions topic ({@link Prediction}: one per unlabelled event, exactly
 * once, with the version of the snapshot that scored it), for a service that acts on them: an alerting service, an
 * audit log, a dashboard of what was decided.
 *
 * <pre>{@code
 * try (PredictionSubscriber predictions = PredictionSubscriber.builder()
 *         .bootstrapServers("kafka:9092").schemaRegistryUrl("http://registry:8081").groupId("alerts").build()) {
 *     while (running) {
 *         for (Prediction prediction : predictions.poll(Duration.ofSeconds(1))) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>With a {@code group.id} it joins that consumer group, so the replicas of a service share the predictions, and
 * commits what {@link #poll} returned at the next poll (at least once: a crash replays what the service had not yet
 * committed). Without one it reads every partition from the beginning, joining no group, as {@code ballast
 * predictions} does. Only committed records are read ({@code read_committed}). A record that cannot be decoded is
 * logged and skipped. Not thread-safe, as a {@code KafkaConsumer}.
 */
public final class PredictionSubscriber implements AutoCloseable {

    /** The predictions topic unless {@link Builder#topic} says otherwise. */
    public static final String DEFAULT_TOPIC = "ballast.predictions";

    private static final Logger LOG = LoggerFactory.getLogger(PredictionSubscriber.class);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<Prediction> deserializer;
    private final boolean grouped;
    private final String modelId;
    private Map<TopicPartition, Long> endOffsets;
    /** Whether the last poll returned records whose offsets the group has not committed yet. */
    private boolean uncommitted;

    private PredictionSubscriber(String topic, KafkaConsumer<String, byte[]> consumer,
            Deserializer<Prediction> deserializer, boolean grouped, String modelId) {
        this.topic = topic;
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.grouped = grouped;
        this.modelId = modelId;
        if (grouped) {
            consumer.subscribe(List.of(topic));
        }
    }

    /** A builder; {@code bootstrap.servers} and {@code schema.registry.url} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The predictions that arrived, waiting up to {@code timeout} for some; empty when none did. */
    public List<Prediction> poll(Duration timeout) {
        if (!grouped && consumer.assignment().isEmpty() && !assignAll()) {
            return List.of();
        }
        if (uncommitted) {
            // The service is back for more: it has handled what the previous poll returned.
            consumer.commitAsync();
            uncommitted = false;
        }
        List<Prediction> predictions = new ArrayList<>();
        ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
        uncommitted = grouped && !records.isEmpty();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                Prediction prediction = deserializer.deserialize(record.topic(), record.value());
                if (prediction != null && (modelId == null || modelId.equals(prediction.getModelId()))) {
                    predictions.add(prediction);
                }
            } catch (BadRecordException e) {
                LOG.warn("Skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        return predictions;
    }

    /**
     * Without a group: whether everything that was on the topic when reading began has been returned. With a group:
     * always false (a group member has no end to reach).
     */
    public boolean caughtUp() {
        if (grouped || endOffsets == null) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private boolean assignAll() {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        if (partitions.isEmpty()) {
            return false;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        endOffsets = consumer.endOffsets(partitions);
        return true;
    }

    /** Closes the consumer; in a group, first commits what the last poll returned (the service has handled it). */
    @Override
    public void close() {
        if (uncommitted) {
            consumer.commitSync();
        }
        consumer.close();
    }

    /** Settings of a {@link PredictionSubscriber}. */
    public static final class Builder {

        private final Map<String, Object> settings = new HashMap<>();
        private String topic = DEFAULT_TOPIC;
        private String modelId;

        private Builder() {
        }

        /** The Kafka brokers to bootstrap from ({@code bootstrap.servers}). */
        public Builder bootstrapServers(String bootstrapServers) {
            return property(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }

        /** The Schema Registry's base URLs, comma-separated ({@code schema.registry.url}). */
        public Builder schemaRegistryUrl(String schemaRegistryUrl) {
            return property(SerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        }

        /** Joins this consumer group (see the class doc); without one, every partition is read from the beginning. */
        public Builder groupId(String groupId) {
            return property(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }

        /** The predictions topic; default {@value #DEFAULT_TOPIC}. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Returns only the predictions of this model id. */
        public Builder modelId(String modelId) {
            this.modelId = modelId;
            return this;
        }

        /** One setting: a Kafka consumer or Schema Registry key. */
        public Builder property(String key, Object value) {
            settings.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Many settings at once, e.g. a service's client configuration. */
        public Builder properties(Map<String, ?> properties) {
            properties.forEach(this::property);
            return this;
        }

        /**
         * A subscriber with its consumer created, so bad settings fail here.
         *
         * @throws org.apache.kafka.common.config.ConfigException when a setting is missing or invalid, naming it
         */
        public PredictionSubscriber build() {
            Map<String, Object> consumerSettings = new HashMap<>();
            Map<String, Object> serdeSettings = new HashMap<>();
            settings.forEach((key, value) -> (ConsumerConfig.configNames().contains(key) ? consumerSettings
                    : serdeSettings).put(key, value));
            consumerSettings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            boolean grouped = consumerSettings.get(ConsumerConfig.GROUP_ID_CONFIG) != null;
            Deserializer<Prediction> deserializer =
                    AvroSerdes.specific(Prediction.class, serdeSettings, false).deserializer();
            return new PredictionSubscriber(topic, new KafkaConsumer<>(consumerSettings, new StringDeserializer(),
                    new ByteArrayDeserializer()), deserializer, grouped, modelId);
        }
    }
}
