package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import dev.ballast.config.ModelCatalog;
import dev.ballast.config.ModelDeclaration;
import dev.ballast.learning.IncompatibleStateException;
import dev.ballast.learning.ModelType;
import dev.ballast.schema.LabelState;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Tensor;
import dev.ballast.training.OnlineTrainer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check of saved models against the configuration: before Kafka Streams starts, the latest snapshot of
 * each model on the compacted model-update topic (its architecture, feature count, hidden size and labels) is compared
 * with the model's declaration, and a change its parameters cannot absorb (a label removed, not one added) fails
 * start-up by name (exit code 2). The
 * saved state itself is read only when a task restores a model; a model saved but never published is checked there
 * (see {@code ModelStore}).
 */
final class SavedModelCheck {

    private static final Logger LOG = LoggerFactory.getLogger(SavedModelCheck.class);

    private SavedModelCheck() {
    }

    /** @throws ConfigException naming the setting and the ways out, for the first model the configuration cannot restore */
    static void check(BallastConfig config, Properties streamsProperties, Deserializer<ModelSnapshot> snapshots) {
        Map<String, ModelSnapshot> latest = latestSnapshots(streamsProperties,
                config.getString(BallastConfig.MODEL_UPDATES_TOPIC), snapshots);
        check(config.models(), latest);
        LOG.info("Checked the configuration against the latest snapshots of {} saved model(s)", latest.size());
    }

    static void check(ModelCatalog catalog, Map<String, ModelSnapshot> latest) {
        latest.forEach((modelId, snapshot) -> catalog.declaration(modelId).ifPresent(declaration -> {
            IncompatibleStateException incompatible = incompatibility(declaration, snapshot);
            if (incompatible != null) {
                throw new ConfigException(catalog.refusal(modelId, incompatible));
            }
        }));
    }

    /** What keeps the snapshot's model from restoring under the declaration, or null if nothing does. */
    static IncompatibleStateException incompatibility(ModelDeclaration declaration, ModelSnapshot snapshot) {
        if (snapshot.getFeatureCount() != declaration.featureCount()) {
            return new IncompatibleStateException(IncompatibleStateException.Aspect.FEATURE_COUNT,
                    Integer.toString(snapshot.getFeatureCount()), Integer.toString(declaration.featureCount()));
        }
        ModelType configured = declaration.trainerSettings().learning().modelType();
        if (!snapshot.getArchitecture().equals(configured.configName())) {
            return new IncompatibleStateException(IncompatibleStateException.Aspect.MODEL_TYPE,
                    snapshot.getArchitecture(), configured.configName());
        }
        int hiddenUnits = declaration.trainerSettings().learning().hiddenUnits();
        for (Tensor tensor : snapshot.getParameters()) {
            if (configured == ModelType.MLP && tensor.getName().equals("W1") && tensor.getShape().get(1) != hiddenUnits) {
                return new IncompatibleStateException(IncompatibleStateException.Aspect.HIDDEN_UNITS,
                        Integer.toString(tensor.getShape().get(1)), Integer.toString(hiddenUnits));
            }
        }
        List<String> saved = snapshot.getLabels().stream().map(LabelState::getName).toList();
        try {
            OnlineTrainer.labelSource(saved, declaration.labelNames());
        } catch (IncompatibleStateException removed) {
            return removed;
        }
        return null;
    }

    /**
     * The last committed snapshot of each model id on the topic (a tombstone removes the model). Only the last record
     * of each id is decoded, once the topic is read: a topic whose latest segment still holds many snapshots of a
     * model costs one decode per model, not one per snapshot.
     */
    private static Map<String, ModelSnapshot> latestSnapshots(Properties streamsProperties, String topic,
            Deserializer<ModelSnapshot> snapshots) {
        StreamsConfig streamsConfig = new StreamsConfig(streamsProperties);
        Map<String, ConsumerRecord<String, byte[]>> lastRecords = new HashMap<>();
        TopicReading.readToEnd(streamsConfig, streamsConfig.getString(StreamsConfig.APPLICATION_ID_CONFIG)
                + "-saved-model-check", topic, record -> {
                    if (record.value() == null) {
                        lastRecords.remove(record.key());
                    } else {
                        lastRecords.put(record.key(), record);
                    }
                });
        Map<String, ModelSnapshot> latest = new HashMap<>();
        lastRecords.forEach((modelId, record) -> {
            try {
                latest.put(modelId, snapshots.deserialize(topic, record.value()));
            } catch (SerializationException e) {
                LOG.warn("Snapshot at {}-{}@{} is unreadable and left out of the check: {}", record.topic(),
                        record.partition(), record.offset(), e.getMessage());
            }
        });
        return latest;
    }
}
