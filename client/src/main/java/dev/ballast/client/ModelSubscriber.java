package dev.ballast.client;

import dev.ballast.schema.ModelSnapshot;
import dev.ballast.serde.AvroSerdes;
import dev.ballast.serde.BadRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest version of each model from Ballast's compacted model-update topic, ready to score with.
 *
 * <pre>{@code
 * try (ModelSubscriber models = ModelSubscriber.builder()
 *         .bootstrapServers("kafka:9092").schemaRegistryUrl("http://registry:8081").build().start()) {
 *     Predictor fraud = models.awaitModel("fraud", Duration.ofSeconds(30)).predictor();
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #start()} runs a background thread that reads every partition of the topic from the beginning, then
 * follows it live. It joins no consumer group: every replica of a scoring service holds every model. Partitions
 * are re-listed every {@code ballast.client.partition.refresh.ms}, so partitions added later are read too. Only
 * committed records are read ({@code read_committed}), so a snapshot of an aborted transaction is never held.
 *
 * <p>Versions, not arrival order, decide: a snapshot replaces the held one only when its version is greater; an
 * older or equal version is ignored. A tombstone (null value) removes the model and forgets its version, exactly
 * as compaction will. A replacement is atomic: {@link #current(String)} returns either the old or the new
 * {@link ModelHandle}. A record that cannot be decoded or scored (bad bytes, unknown schema, misshapen tensor, key
 * differing from the snapshot's model id) is logged and skipped. While the Schema Registry cannot be reached for a
 * schema not seen before, the record is retried, not skipped.
 *
 * <p>Thread-safe. {@link #current(String)} is a map look-up, cheap enough for every request.
 */
public final class ModelSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSubscriber.class);

    private static final AtomicInteger THREAD_SEQUENCE = new AtomicInteger();
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** Re-listing interval while the topic has no partitions yet (it may not exist yet). */
    private static final Duration MISSING_TOPIC_RETRY = Duration.ofSeconds(1);
    private static final Duration REGISTRY_RETRY_BACKOFF = Duration.ofSeconds(1);

    private final String topic;
    private final Set<String> modelIds;
    private final Duration partitionRefreshInterval;
    private final Consumer<String, byte[]> consumer;
    private final Deserializer<ModelSnapshot> deserializer;
    private final List<ModelUpdateListener> listeners;
    private final ModelTable models = new ModelTable();
    private final Object changed = new Object();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread poller;
    /** End offsets, as of the first assignment, that the subscriber has not read up to yet. */
    private final Map<TopicPartition, Long> catchUpOffsets = new HashMap<>();
    private long nextPartitionRefresh = System.nanoTime();
    private volatile boolean caughtUp;
    private boolean started;
    private volatile Throwable failure;

    ModelSubscriber(ModelSubscriberConfig config, Consumer<String, byte[]> consumer,
                    Deserializer<ModelSnapshot> deserializer, List<ModelUpdateListener> listeners) {
        this.topic = config.topic();
        this.modelIds = config.modelIds();
        this.partitionRefreshInterval = config.partitionRefreshInterval();
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.listeners = List.copyOf(listeners);
        this.poller = new Thread(this::run,
                "ballast-model-subscriber-" + THREAD_SEQUENCE.incrementAndGet() + "-" + topic);
        this.poller.setDaemon(true);
    }

    /** A builder; {@code bootstrap.servers} and {@code schema.registry.url} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts reading the topic on a background thread.
     *
     * @return this subscriber, for chaining
     * @throws IllegalStateException when already started or closed
     */
    public synchronized ModelSubscriber start() {
        if (started || closing.getCount() == 0) {
            throw new IllegalStateException("ModelSubscriber can be started once, before close()");
        }
        started = true;
        poller.start();
        return this;
    }

    /** The newest version held of {@code modelId}, or empty when none is (yet, or after a tombstone). */
    public Optional<ModelHandle> current(String modelId) {
        return models.get(modelId);
    }

    /**
     * Waits, typically at start-up, until the subscriber has read the topic up to where it ended when reading began,
     * and holds a version of {@code modelId}. So the version returned is the newest published before the wait (or
     * a later one), not an older one the topic still holds because compaction has not removed it yet.
     *
     * @return the version held when the wait ends
     * @throws TimeoutException when none is held within {@code timeout}
     * @throws IllegalStateException when the subscriber is not running (not started, closed, or stopped by an error,
     *     which is the cause)
     * @throws InterruptedException when interrupted while waiting
     */
    public ModelHandle awaitModel(String modelId, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (true) {
                Optional<ModelHandle> held = models.get(modelId);
                if (caughtUp && held.isPresent()) {
                    return held.get();
                }
                if (failure != null) {
                    throw new IllegalStateException("ModelSubscriber of " + topic + " stopped on an error", failure);
                }
                if (!isRunning()) {
                    throw new IllegalStateException("ModelSubscriber of " + topic + " is not running");
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new TimeoutException("No model '" + modelId + "' on " + topic + " within " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(changed, remaining);
            }
        }
    }

    private synchronized boolean isRunning() {
        return started && closing.getCount() > 0 && poller.isAlive();
    }

    /**
     * Stops the background thread and closes the consumer; waits for both. Models already held stay readable
     * through {@link #current(String)}. Idempotent. Called from a listener, it stops the thread without waiting.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing.getCount() == 0) {
                return;
            }
            closing.countDown();
            if (!started) {
                closeClients();
                return;
            }
        }
        consumer.wakeup();
        if (Thread.currentThread() != poller) {
            try {
                poller.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (closing.getCount() > 0) {
                pollOnce();
            }
        } catch (WakeupException e) {
            LOG.debug("ModelSubscriber of {} woken up to close", topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("ModelSubscriber of {} stopped; the models held stay available but no longer change", topic, e);
        } finally {
            closeClients();
            signalWaiters();
        }
    }

    /**
     * One round of the polling thread: re-lists partitions when due, then polls once and applies what it got.
     * Package-private so tests can drive the loop without a thread.
     */
    void pollOnce() throws InterruptedException {
        if (System.nanoTime() - nextPartitionRefresh >= 0) {
            boolean hasPartitions = refreshAssignment();
            nextPartitionRefresh = System.nanoTime()
                    + (hasPartitions || partitionRefreshInterval.compareTo(MISSING_TOPIC_RETRY) < 0
                            ? partitionRefreshInterval : MISSING_TOPIC_RETRY).toNanos();
        }
        if (consumer.assignment().isEmpty()) {
            closing.await(Math.max(0, nextPartitionRefresh - System.nanoTime()), TimeUnit.NANOSECONDS);
            return;
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        boolean registryUnavailable = false;
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                try {
                    apply(record);
                } catch (BadRecordException e) {
                    LOG.warn("Skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(),
                            record.offset(), e.getMessage());
                } catch (SerializationException e) {
                    LOG.warn("Cannot decode {}-{}@{} now, will retry: {}", record.topic(), record.partition(),
                            record.offset(), e.getMessage());
                    consumer.seek(partition, record.offset());
                    registryUnavailable = true;
                    break;
                }
            }
        }
        if (!caughtUp) {
            checkCaughtUp();
        }
        if (registryUnavailable) {
            closing.await(REGISTRY_RETRY_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** @return whether the topic has partitions */
    private boolean refreshAssignment() {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic);
        } catch (RetriableException e) {
            LOG.warn("Cannot list the partitions of {} now, will retry: {}", topic, e.getMessage());
            return !consumer.assignment().isEmpty();
        }
        if (infos == null || infos.isEmpty()) {
            LOG.debug("Topic {} has no partitions yet", topic);
            return false;
        }
        Set<TopicPartition> all = new HashSet<>();
        infos.forEach(info -> all.add(new TopicPartition(info.topic(), info.partition())));
        Set<TopicPartition> added = new HashSet<>(all);
        added.removeAll(consumer.assignment());
        if (!added.isEmpty()) {
            consumer.assign(all);
            consumer.seekToBeginning(added);
            if (!caughtUp) {
                catchUpOffsets.putAll(consumer.endOffsets(added));
            }
            LOG.info("Reading {} from the beginning of partitions {}", topic, added);
        }
        return true;
    }

    private void checkCaughtUp() {
        catchUpOffsets.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
        if (catchUpOffsets.isEmpty()) {
            caughtUp = true;
            LOG.info("Read {} up to where it ended at start-up", topic);
            signalWaiters();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        if (key != null && !holds(key)) {
            return;
        }
        if (record.value() == null) {
            if (key == null) {
                LOG.warn("Skipping tombstone without a key at {}-{}@{}", record.topic(), record.partition(),
                        record.offset());
            } else {
                models.remove(key).ifPresent(this::announce);
            }
            return;
        }
        ModelSnapshot snapshot = deserializer.deserialize(record.topic(), record.headers(), record.value());
        String modelId = snapshot.getModelId();
        if (key != null && !key.equals(modelId)) {
            LOG.warn("Skipping {}-{}@{}: key '{}' differs from the snapshot's model id '{}'", record.topic(),
                    record.partition(), record.offset(), key, modelId);
            return;
        }
        if (!holds(modelId)) {
            return;
        }
        try {
            models.offer(snapshot).ifPresent(this::announce);
        } catch (IllegalArgumentException e) {
            LOG.warn("Skipping unusable snapshot {} v{} at {}-{}@{}: {}", modelId, snapshot.getVersion(),
                    record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    private boolean holds(String modelId) {
        return modelIds.isEmpty() || modelIds.contains(modelId);
    }

    private void announce(ModelTable.Change change) {
        LOG.info("Model {}: version {} -> {}", change.modelId(), versionOf(change.previous()),
                versionOf(change.current()));
        signalWaiters();
        for (ModelUpdateListener listener : listeners) {
            try {
                listener.onModelUpdate(change.modelId(), change.previous(), change.current());
            } catch (RuntimeException e) {
                LOG.error("Model update listener {} failed on model {}", listener, change.modelId(), e);
            }
        }
    }

    private static String versionOf(ModelHandle handle) {
        return handle == null ? "none" : Long.toString(handle.version());
    }

    private void signalWaiters() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    private void closeClients() {
        try {
            consumer.close();
        } finally {
            deserializer.close();
        }
    }

    /**
     * Builds a {@link ModelSubscriber}. Any Kafka consumer or Schema Registry setting may be given with
     * {@link #property(String, Object)} under its own name; the subscriber's own are in {@link ModelSubscriberConfig}.
     * The subscriber sets {@code group.id} (none), {@code enable.auto.commit} (false), {@code isolation.level}
     * ({@code read_committed}) and the deserializers itself.
     */
    public static final class Builder {

        private final Map<String, Object> settings = new HashMap<>();
        private final List<ModelUpdateListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** The Kafka brokers to bootstrap from ({@code bootstrap.servers}). */
        public Builder bootstrapServers(String bootstrapServers) {
            return property(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }

        /** The Schema Registry's base URLs, comma-separated ({@code schema.registry.url}). */
        public Builder schemaRegistryUrl(String schemaRegistryUrl) {
            return property("schema.registry.url", schemaRegistryUrl);
        }

        /** The model-update topic; default {@code ballast.model-updates}. */
        public Builder topic(String topic) {
            return property(ModelSubscriberConfig.TOPIC, topic);
        }

        /** Holds only these model ids; by default every model on the topic is held. */
        public Builder modelIds(Collection<String> modelIds) {
            return property(ModelSubscriberConfig.MODEL_IDS, List.copyOf(modelIds));
        }

        /** How often the topic's partitions are re-listed; default 30 s. */
        public Builder partitionRefreshInterval(Duration interval) {
            return property(ModelSubscriberConfig.PARTITION_REFRESH_MS, interval.toMillis());
        }

        /** One setting: a Kafka consumer, Schema Registry or {@link ModelSubscriberConfig} key. */
        public Builder property(String key, Object value) {
            settings.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Many settings at once, e.g. a service's client configuration; see {@link #property(String, Object)}. */
        public Builder properties(Map<String, ?> properties) {
            properties.forEach(this::property);
            return this;
        }

        /** Adds a listener told of every change; see {@link ModelUpdateListener} for the thread it runs on. */
        public Builder listener(ModelUpdateListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * A subscriber, not yet started. Creates its consumer, so bad settings fail here.
         *
         * @throws org.apache.kafka.common.config.ConfigException when a setting is missing or invalid, naming it
         */
        public ModelSubscriber build() {
            ModelSubscriberConfig config = new ModelSubscriberConfig(settings);
            Deserializer<ModelSnapshot> deserializer =
                    AvroSerdes.specific(ModelSnapshot.class, config.serdeSettings(), false).deserializer();
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config.consumerSettings(),
                    new StringDeserializer(), new ByteArrayDeserializer());
            return new ModelSubscriber(config, consumer, deserializer, listeners);
        }
    }
}
