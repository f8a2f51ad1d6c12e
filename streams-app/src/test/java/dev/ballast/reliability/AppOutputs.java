package dev.ballast.reliability;

import dev.ballast.config.BallastConfig;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.cluster.BallastSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything an app under test has committed to its output topics, read from the beginning as a
 * {@code read_committed} consumer: what a downstream service would see.
 *
 * @param snapshots model snapshots in the order written, per partition
 * @param deadLetters dead letters
 * @param alerts imbalance and non-finite-step alerts
 * @param predictions the scores served to unlabelled events
 */
record AppOutputs(List<ModelSnapshot> snapshots, List<DeadLetter> deadLetters, List<ImbalanceAlert> alerts,
        List<Prediction> predictions) {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Serdes per registry URL, kept so that their schema caches let a test read outputs while the registry is down.
     */
    private static final Map<Object, BallastSerdes> SERDES = new ConcurrentHashMap<>();

    /** The snapshot of {@code modelId} with the highest version, or null if none. */
    ModelSnapshot latest(String modelId) {
        return snapshots.stream().filter(snapshot -> snapshot.getModelId().equals(modelId))
                .max(Comparator.comparingLong(ModelSnapshot::getVersion)).orElse(null);
    }

    /** Snapshots of {@code modelId} in the order they were written. */
    List<ModelSnapshot> snapshotsOf(String modelId) {
        return snapshots.stream().filter(snapshot -> snapshot.getModelId().equals(modelId)).toList();
    }

    /** Reads every committed output record up to the current end of each output topic. */
    static AppOutputs read(BallastConfig config) {
        Map<String, Object> client = config.nonBallastProperties();
        BallastSerdes serdes = SERDES.computeIfAbsent(client.get("schema.registry.url"),
                url -> BallastSerdes.fromConfig(client));
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, client.get("bootstrap.servers"));
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        String snapshotTopic = config.getString(BallastConfig.MODEL_UPDATES_TOPIC);
        String deadLetterTopic = config.getString(BallastConfig.DEAD_LETTERS_TOPIC);
        String alertTopic = config.getString(BallastConfig.ALERTS_TOPIC);
        String predictionTopic = config.getString(BallastConfig.PREDICTIONS_TOPIC);
        List<ModelSnapshot> snapshots = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<ImbalanceAlert> alerts = new ArrayList<>();
        List<Prediction> predictions = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(snapshotTopic, deadLetterTopic, alertTopic, predictionTopic)) {
                consumer.partitionsFor(topic, READ_TIMEOUT)
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("cannot read the output topics to their end within " + READ_TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String topic = record.topic();
                    if (record.value() == null) {
                        continue; // a tombstone: 'ballast models reset' deleted the model's snapshot
                    }
                    if (topic.equals(snapshotTopic)) {
                        snapshots.add(serdes.snapshots().deserializer().deserialize(topic, record.value()));
                    } else if (topic.equals(deadLetterTopic)) {
                        deadLetters.add(serdes.deadLetters().deserializer().deserialize(topic, record.value()));
                    } else if (topic.equals(predictionTopic)) {
                        predictions.add(serdes.predictions().deserializer().deserialize(topic, record.value()));
                    } else {
                        alerts.add(serdes.alerts().deserializer().deserialize(topic, record.value()));
                    }
                }
            }
        }
        return new AppOutputs(snapshots, deadLetters, alerts, predictions);
    }

    /**
     * Reads the outputs until {@code done} holds of them.
     *
     * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
     */
    static AppOutputs await(BallastConfig config, Predicate<AppOutputs> done, String what, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        AppOutputs outputs = read(config);
        while (!done.test(outputs)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what + "; read "
                        + outputs.snapshots.size() + " snapshots, " + outputs.deadLetters.size() + " dead letters");
            }
            Thread.sleep(300);
            outputs = read(config);
        }
        return outputs;
    }

    /** Waits until the latest snapshot of {@code modelId} reflects {@code events} trained events. */
    static AppOutputs awaitEventsTrained(BallastConfig config, String modelId, long events, Duration timeout)
            throws InterruptedException {
        return await(config, outputs -> {
            ModelSnapshot latest = outputs.latest(modelId);
            return latest != null && latest.getEventsTrained() >= events;
        }, "a snapshot of '" + modelId + "' reflecting " + events + " events", timeout);
    }
}
