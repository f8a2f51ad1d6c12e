package dev.ballast.monitoring;

import dev.ballast.config.BallastConfig;
import dev.ballast.schema.AlertKind;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.cluster.BallastSerdes;
import dev.ballast.cluster.StartupChecks;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows Ballast's output topics as a {@code read_committed} consumer without a group (nothing is committed, any
 * number of feeds can watch one cluster): the newest snapshot per model, the last {@code historyLength} metrics records
 * per model, alert counts by model and kind (resolutions not counted), the most recent alerts, and the number of dead letters and the most recent ones.
 *
 * <p>Snapshots, alerts and dead letters are read from the beginning of their topics; metrics from shortly before the
 * end (enough for {@code historyLength} records), so a long-lived metrics topic costs little at start-up.
 *
 * <p>One thread calls {@link #poll}, {@link #readToEnd} and {@link #close}; any thread may call {@link #view} and
 * {@link #wakeup}.
 */
public final class MetricsFeed implements AutoCloseable {

    /** Metrics records kept per model by default: an hour at the default publishing interval of 5 s. */
    public static final int DEFAULT_HISTORY_LENGTH = 720;

    private static final int RECENT_ALERTS = 50;
    private static final int RECENT_DEAD_LETTERS = 20;
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Object> clientProperties;
    /** Built at the first record: its registry clients are most of the cost of reading empty topics once. */
    private BallastSerdes serdes;
    private final String snapshotsTopic;
    private final String metricsTopic;
    private final String alertsTopic;
    private final String deadLettersTopic;
    private final int historyLength;

    private final Map<String, ModelSnapshot> latestSnapshots = new HashMap<>();
    private final Map<String, ArrayDeque<TrainingMetrics>> histories = new HashMap<>();
    private final Map<String, Map<AlertKind, Long>> alertCounts = new HashMap<>();
    private final ArrayDeque<ImbalanceAlert> recentAlerts = new ArrayDeque<>();
    private final ArrayDeque<DeadLetter> recentDeadLetters = new ArrayDeque<>();
    private long deadLetters;

    /**
     * Connects and positions the consumer; reads nothing yet. Its first metadata request is the start-up check: it
     * waits up to {@link BallastConfig#STARTUP_WAIT_MS} for Kafka and fails with one line naming the bootstrap
     * servers, so that a command reading these topics needs no separate admin client. The Schema Registry is asked
     * only when a record's schema is first needed.
     *
     * @param config           names the topics
     * @param clientProperties Kafka and Schema Registry client settings ({@link BallastConfig#nonBallastProperties()})
     * @param historyLength    metrics records to keep per model, at least 1
     */
    public MetricsFeed(BallastConfig config, Map<String, Object> clientProperties, int historyLength) {
        if (historyLength < 1) {
            throw new IllegalArgumentException("historyLength must be at least 1, got " + historyLength);
        }
        this.historyLength = historyLength;
        this.consumer = new KafkaConsumer<>(readerProperties(clientProperties), new StringDeserializer(), new ByteArrayDeserializer());
        this.clientProperties = clientProperties;
        this.snapshotsTopic = config.getString(BallastConfig.MODEL_UPDATES_TOPIC);
        this.metricsTopic = config.getString(BallastConfig.METRICS_TOPIC);
        this.alertsTopic = config.getString(BallastConfig.ALERTS_TOPIC);
        this.deadLettersTopic = config.getString(BallastConfig.DEAD_LETTERS_TOPIC);
        try {
            position(clientProperties, Duration.ofMillis(config.getLong(BallastConfig.STARTUP_WAIT_MS)));
        } catch (InterruptedException e) {
            consumer.close();
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /**
     * Consumer settings of a reader of Ballast's output topics: the client settings a consumer knows,
     * {@code read_committed}, no group and nothing committed.
     */
    public static Map<String, Object> readerProperties(Map<String, Object> clientProperties) {
        Map<String, Object> properties = new HashMap<>();
        for (String name : ConsumerConfig.configNames()) {
            if (clientProperties.containsKey(name)) {
                properties.put(name, clientProperties.get(name));
            }
        }
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        return properties;
    }

    private void position(Map<String, Object> clientProperties, Duration startupWait) throws InterruptedException {
        List<TopicPartition> partitions = new ArrayList<>();
        StartupChecks.awaitKafka(String.valueOf(clientProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)), startupWait,
                        timeout -> consumer.partitionsFor(snapshotsTopic, timeout))
                .forEach(info -> partitions.add(new TopicPartition(snapshotsTopic, info.partition())));
        for (String topic : List.of(metricsTopic, alertsTopic, deadLettersTopic)) {
            consumer.partitionsFor(topic, METADATA_TIMEOUT)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        List<TopicPartition> metricsPartitions = partitions.stream().filter(p -> p.topic().equals(metricsTopic)).toList();
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(metricsPartitions);
        // Transaction markers take offsets too (about one per metrics record under exactly-once): look back twice as far.
        consumer.endOffsets(metricsPartitions).forEach((partition, end) ->
                consumer.seek(partition, Math.max(beginnings.get(partition), end - 2L * historyLength)));
    }

    /**
     * Polls once and takes in what arrived.
     *
     * @return the number of records read
     * @throws org.apache.kafka.common.errors.WakeupException if {@link #wakeup} was called
     */
    public int poll(Duration timeout) {
        int read = 0;
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            read++;
            if (record.value() != null) {
                take(record.topic(), record.value());
            }
        }
        return read;
    }

    private synchronized void take(String topic, byte[] value) {
        if (serdes == null) {
            serdes = BallastSerdes.fromConfig(clientProperties);
        }
        if (topic.equals(snapshotsTopic)) {
            ModelSnapshot snapshot = serdes.snapshots().deserializer().deserialize(topic, value);
            latestSnapshots.merge(snapshot.getModelId(), snapshot,
                    (held, arrived) -> arrived.getVersion() > held.getVersion() ? arrived : held);
        } else if (topic.equals(metricsTopic)) {
            TrainingMetrics metrics = serdes.metrics().deserializer().deserialize(topic, value);
            ArrayDeque<TrainingMetrics> history = histories.computeIfAbsent(metrics.getModelId(), id -> new ArrayDeque<>());
            history.addLast(metrics);
            if (history.size() > historyLength) {
                history.removeFirst();
            }
        } else if (topic.equals(alertsTopic)) {
            ImbalanceAlert alert = serdes.alerts().deserializer().deserialize(topic, value);
            if (!alert.getResolved()) {
                alertCounts.computeIfAbsent(alert.getModelId(), id -> new EnumMap<>(AlertKind.class))
                        .merge(alert.getKind(), 1L, Long::sum);
            }
            recentAlerts.addLast(alert);
            if (recentAlerts.size() > RECENT_ALERTS) {
                recentAlerts.removeFirst();
            }
        } else if (topic.equals(deadLettersTopic)) {
            deadLetters++;
            recentDeadLetters.addLast(serdes.deadLetters().deserializer().deserialize(topic, value));
            if (recentDeadLetters.size() > RECENT_DEAD_LETTERS) {
                recentDeadLetters.removeFirst();
            }
        }
    }

    /** Reads until the end of every partition as it is now, or until {@code timeout} has passed. */
    public void readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (System.nanoTime() < deadline
                && ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
            poll(Duration.ofMillis(200));
        }
    }

    /** What has been read so far. */
    public synchronized FeedView view() {
        Set<String> modelIds = new TreeSet<>(latestSnapshots.keySet());
        modelIds.addAll(histories.keySet());
        modelIds.addAll(alertCounts.keySet());
        Map<String, ModelView> models = new TreeMap<>();
        for (String modelId : modelIds) {
            models.put(modelId, new ModelView(modelId, latestSnapshots.get(modelId),
                    new ArrayList<>(histories.getOrDefault(modelId, new ArrayDeque<>())),
                    alertCounts.getOrDefault(modelId, Map.of())));
        }
        return new FeedView(models, new ArrayList<>(recentAlerts), deadLetters, new ArrayList<>(recentDeadLetters));
    }

    /** Makes a blocked or the next {@link #poll} throw {@link org.apache.kafka.common.errors.WakeupException}. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
