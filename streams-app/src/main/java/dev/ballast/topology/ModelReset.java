package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import dev.ballast.processor.TrainingProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Deletes one model's saved state, so that the next start trains it afresh: its entries in the changelogged store
 * (the state, the source range and the journal: tombstones on the store's changelog topic, which every instance
 * applies when it restores the store at its next start) and its snapshot (a tombstone on the compacted model-update
 * topic, on which consumers drop the model and forget its version). The app must be stopped: a running instance
 * does not read its own changelog and would write the model back.
 */
public final class ModelReset {

    /** What a reset deleted. */
    public record Result(String changelogTopic, int storeEntries) {
    }

    /** The app still has running instances. */
    public static final class AppRunning extends IllegalStateException {
        AppRunning(String message) {
            super(message);
        }
    }

    private ModelReset() {
    }

    public static Result reset(BallastConfig config, String modelId) throws InterruptedException, ExecutionException {
        Properties properties = StreamsSettings.of(config);
        StreamsConfig streamsConfig = new StreamsConfig(properties);
        String applicationId = streamsConfig.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        try (Admin admin = Admin.create(streamsConfig.getAdminConfigs(applicationId + "-model-reset"))) {
            requireStopped(admin, applicationId);
        }
        String changelog = applicationId + "-" + TrainingProcessor.STORE + "-changelog";
        Map<String, TopicPartition> entries = storeEntries(streamsConfig, applicationId, changelog, modelId);
        Map<String, Object> producerSettings = streamsConfig.getProducerConfigs(applicationId + "-model-reset");
        producerSettings.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerSettings, new StringSerializer(),
                new ByteArraySerializer())) {
            for (Map.Entry<String, TopicPartition> entry : entries.entrySet()) {
                producer.send(new ProducerRecord<>(changelog, entry.getValue().partition(), entry.getKey(), null)).get();
            }
            producer.send(new ProducerRecord<>(config.getString(BallastConfig.MODEL_UPDATES_TOPIC), modelId, null)).get();
        }
        return new Result(changelog, entries.size());
    }

    private static void requireStopped(Admin admin, String applicationId) throws InterruptedException, ExecutionException {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId))
                    .describedGroups().get(applicationId).get();
            if (!group.members().isEmpty()) {
                throw new AppRunning("Ballast (application.id " + applicationId + ") is running with "
                        + group.members().size() + " member(s): stop every instance before resetting a model");
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
    }

    /** The live keys of the model's entries in the store's changelog, with the partition each is in. */
    private static Map<String, TopicPartition> storeEntries(StreamsConfig streamsConfig, String applicationId,
            String changelog, String modelId) {
        Map<String, TopicPartition> entries = new HashMap<>();
        String entryPrefix = modelId + '\0';
        TopicReading.readToEnd(streamsConfig, applicationId + "-model-reset", changelog, record -> {
            String key = record.key();
            if (key != null && (key.equals(modelId) || key.startsWith(entryPrefix))) {
                if (record.value() == null) {
                    entries.remove(key);
                } else {
                    entries.put(key, new TopicPartition(record.topic(), record.partition()));
                }
            }
        });
        return entries;
    }
}
