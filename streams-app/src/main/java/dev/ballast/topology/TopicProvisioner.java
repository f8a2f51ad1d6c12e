package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Ballast's topics when missing, with the configs they need (the model-update topic compacted and
 * allowing large snapshots), and reports an existing topic whose settings would break Ballast.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    /**
     * How long a segment of the model-update topic stays open. The log cleaner never compacts the open segment, and
     * Kafka's default ({@code segment.ms} of 7 days, {@code segment.bytes} of 1 GiB) would keep a week of snapshots
     * for a consumer starting up to read; an hour bounds that to an hour's snapshots plus one per model.
     */
    static final long MODEL_UPDATES_SEGMENT_MS = 60 * 60 * 1000L;

    private TopicProvisioner() {
    }

    /** The topic names and the configs each needs, in creation order. */
    public static Map<String, Map<String, String>> requiredTopics(BallastConfig config) {
        Map<String, Map<String, String>> topics = new java.util.LinkedHashMap<>();
        String maxBytes = Integer.toString(StreamsSettings.MAX_RECORD_BYTES);
        topics.put(config.getString(BallastConfig.EVENTS_TOPIC), Map.of());
        topics.put(config.getString(BallastConfig.MODEL_UPDATES_TOPIC), Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(MODEL_UPDATES_SEGMENT_MS),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxBytes));
        topics.put(config.getString(BallastConfig.METRICS_TOPIC), Map.of());
        topics.put(config.getString(BallastConfig.ALERTS_TOPIC), Map.of());
        topics.put(config.getString(BallastConfig.DEAD_LETTERS_TOPIC), Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxBytes));
        topics.put(config.getString(BallastConfig.LABELS_TOPIC), Map.of());
        topics.put(config.getString(BallastConfig.PREDICTIONS_TOPIC), Map.of());
        return topics;
    }

    /** Creates what is missing and checks what exists; throws with a readable message on a wrong setting. */
    public static void ensureTopics(Admin admin, BallastConfig config) throws InterruptedException {
        Map<String, Map<String, String>> required = requiredTopics(config);
        int partitions = config.getInt(BallastConfig.TOPIC_PARTITIONS);
        short replication = config.getShort(BallastConfig.TOPIC_REPLICATION_FACTOR);
        try {
            Set<String> existing = admin.listTopics().names().get();
            String events = config.getString(BallastConfig.EVENTS_TOPIC);
            // The labels topic is co-partitioned with the events topic (see checkCoPartitioned), whatever its age.
            int labelPartitions = existing.contains(events)
                    ? admin.describeTopics(List.of(events)).allTopicNames().get().get(events).partitions().size()
                    : partitions;
            String labels = config.getString(BallastConfig.LABELS_TOPIC);
            List<NewTopic> missing = new ArrayList<>();
            required.forEach((name, configs) -> {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, Optional.of(name.equals(labels) ? labelPartitions : partitions),
                            replication < 0 ? Optional.empty() : Optional.of(replication)).configs(configs));
                }
            });
            List<String> created = new ArrayList<>();
            if (!missing.isEmpty()) {
                for (Map.Entry<String, KafkaFuture<Void>> creation : admin.createTopics(missing).values().entrySet()) {
                    try {
                        creation.getValue().get();
                        created.add(creation.getKey());
                    } catch (ExecutionException e) {
                        // Created meanwhile by someone else, or listed late: the broker that answered the listing
                        // may not have seen a topic created a moment before. Checked below as an existing topic.
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
                LOG.info("Created topics {}", created);
            }
            // A topic created here has the configs given above; only one that existed before can be wrong.
            String modelUpdates = config.getString(BallastConfig.MODEL_UPDATES_TOPIC);
            if (!created.contains(modelUpdates)) {
                checkModelUpdatesCompacted(admin, modelUpdates);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create or check Ballast's topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Fails unless the labels topic has as many partitions as the events topic: a label must reach the task that
     * holds its event (both keyed by model id, so the same partition number), which only holds when they are
     * co-partitioned. Kafka Streams checks this for its own joins, not for a processor reading both topics.
     */
    public static void checkCoPartitioned(Admin admin, BallastConfig config) throws InterruptedException {
        String events = config.getString(BallastConfig.EVENTS_TOPIC);
        String labels = config.getString(BallastConfig.LABELS_TOPIC);
        try {
            Map<String, org.apache.kafka.clients.admin.TopicDescription> topics = describeJustCreated(admin, events, labels);
            int eventPartitions = topics.get(events).partitions().size();
            int labelPartitions = topics.get(labels).partitions().size();
            if (eventPartitions != labelPartitions) {
                throw new IllegalStateException("Topic " + labels + " (" + BallastConfig.LABELS_TOPIC + ") has "
                        + labelPartitions + " partitions but " + events + " (" + BallastConfig.EVENTS_TOPIC + ") has "
                        + eventPartitions + ": labels join their events only when both topics have the same number of "
                        + "partitions (and the same key, the model id). Recreate " + labels + " with " + eventPartitions
                        + " partitions.");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot check that " + labels + " and " + events + " are co-partitioned: "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Describes topics that may have been created a moment ago: until their metadata reaches the broker that answers,
     * it says the topic does not exist, so that answer is retried for a few seconds before it counts.
     */
    private static Map<String, org.apache.kafka.clients.admin.TopicDescription> describeJustCreated(Admin admin,
            String... topics) throws ExecutionException, InterruptedException {
        return describeJustCreated(() -> admin.describeTopics(List.of(topics)).allTopicNames().get());
    }

    /** What an admin request about a topic says, the topic's absence retried for a few seconds (see above). */
    private static <T> T describeJustCreated(Description<T> request) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return request.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** An admin request's answer. */
    private interface Description<T> {
        T get() throws ExecutionException, InterruptedException;
    }

    private static void checkModelUpdatesCompacted(Admin admin, String topic) throws ExecutionException, InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<ConfigResource, Config> configs = new HashMap<>(describeJustCreated(
                () -> admin.describeConfigs(List.of(resource)).all().get()));
        String policy = configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new IllegalStateException("Topic " + topic + " has cleanup.policy=" + policy
                    + " but model updates need compaction (cleanup.policy=compact): consumers read the latest model per id. "
                    + "Fix it with: kafka-configs --alter --entity-type topics --entity-name " + topic
                    + " --add-config cleanup.policy=compact");
        }
        long segmentMs = Long.parseLong(configs.get(resource).get(TopicConfig.SEGMENT_MS_CONFIG).value());
        if (segmentMs > 24 * MODEL_UPDATES_SEGMENT_MS) {
            LOG.warn("Topic {} keeps a segment open for {} h (segment.ms={}): compaction skips the open segment, so a "
                    + "model subscriber starting up reads every snapshot of those hours. Ballast creates it with "
                    + "segment.ms={}: kafka-configs --alter --entity-type topics --entity-name {} --add-config "
                    + "segment.ms={}", topic, segmentMs / 3_600_000, segmentMs, MODEL_UPDATES_SEGMENT_MS, topic,
                    MODEL_UPDATES_SEGMENT_MS);
        }
    }
}
