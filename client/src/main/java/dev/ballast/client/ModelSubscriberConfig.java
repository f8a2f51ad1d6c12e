package dev.ballast.client;

import dev.ballast.serde.SerdeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of a {@link ModelSubscriber}. Its own keys start with {@code ballast.client.}; every other key goes
 * unchanged to the Kafka consumer and to the Avro deserializer, under their own names ({@code bootstrap.servers},
 * {@code security.protocol}, {@code schema.registry.url}, {@code basic.auth.user.info}, ...). A bad value fails
 * fast with a {@link ConfigException} naming the key.
 */
public final class ModelSubscriberConfig extends AbstractConfig {

    /** The compacted topic of model snapshots; default {@code ballast.model-updates}. */
    public static final String TOPIC = "ballast.client.topic";
    /** Comma-separated model ids to hold; empty (the default) holds every model on the topic. */
    public static final String MODEL_IDS = "ballast.client.model.ids";
    /** How often the topic's partitions are re-listed, so that partitions added later are read too. */
    public static final String PARTITION_REFRESH_MS = "ballast.client.partition.refresh.ms";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(TOPIC, Type.STRING, "ballast.model-updates", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The compacted topic of ModelSnapshot records (key: model id).")
            .define(MODEL_IDS, Type.LIST, "", Importance.MEDIUM,
                    "Model ids to hold; empty holds every model on the topic.")
            .define(PARTITION_REFRESH_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(10), Importance.LOW,
                    "How often the topic's partitions are re-listed, so that partitions added later are read too.");

    /** Consumer settings the subscriber owns: it reads without a group, commits nothing, sees committed data only. */
    private static final Set<String> OWNED_CONSUMER_KEYS = Set.of(ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

    private final Map<String, Object> passedThrough;

    ModelSubscriberConfig(Map<String, ?> settings) {
        super(DEFINITION, settings, false);
        passedThrough = new HashMap<>(settings);
        passedThrough.keySet().removeAll(DEFINITION.names());
    }

    /** The declared settings, for documentation. */
    public static ConfigDef definition() {
        return new ConfigDef(DEFINITION);
    }

    String topic() {
        return getString(TOPIC);
    }

    /** The model ids to hold; empty means all. */
    Set<String> modelIds() {
        return new HashSet<>(getList(MODEL_IDS));
    }

    Duration partitionRefreshInterval() {
        return Duration.ofMillis(getLong(PARTITION_REFRESH_MS));
    }

    /** Every setting that is not the subscriber's own, for the Avro deserializer. */
    Map<String, Object> serdeSettings() {
        return new HashMap<>(passedThrough);
    }

    /**
     * The settings of the subscriber's consumer: the passed-through ones without the deserializer's, with the ones
     * the subscriber owns fixed.
     */
    Map<String, Object> consumerSettings() {
        Map<String, Object> consumer = new HashMap<>(passedThrough);
        consumer.keySet().removeAll(OWNED_CONSUMER_KEYS);
        consumer.keySet().removeAll(SerdeConfig.definition().names());
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return consumer;
    }
}
