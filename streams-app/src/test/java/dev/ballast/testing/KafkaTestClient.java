package dev.ballast.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.ballast.embedded.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;

/**
 * Short-lived clients for arranging and checking a test's topics on a broker. Each call opens and closes its own
 * client, so there is nothing to close here.
 */
public final class KafkaTestClient {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;

    /**
     * @param kafka the broker to talk to
     */
    public KafkaTestClient(EmbeddedKafka kafka) {
        this.bootstrapServers = kafka.bootstrapServers();
    }

    /**
     * @param prefix what the name starts with, to recognise it in logs
     * @return a topic or application id no other test of this run uses
     */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Creates topics with one replica and waits until the controller has them.
     *
     * @param partitions the partition count of each
     * @param topics     their names
     */
    public void createTopics(int partitions, String... topics) {
        List<NewTopic> newTopics = Arrays.stream(topics).map(topic -> new NewTopic(topic, partitions, (short) 1)).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(newTopics).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + Arrays.toString(topics), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes records in order with an idempotent producer and returns once all are acknowledged by the broker.
     */
    public <K, V> void produce(String topic, Serializer<K> keySerializer, Serializer<V> valueSerializer,
                               List<KeyValue<K, V>> records) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(config, keySerializer, valueSerializer)) {
            for (KeyValue<K, V> record : records) {
                producer.send(new ProducerRecord<>(topic, record.key, record.value));
            }
            producer.flush();
        }
    }

    /**
     * Reads a topic from the beginning of every partition, as a {@code read_committed} consumer without a group,
     * until {@code expectedCount} records have arrived.
     *
     * @return the records read, in order within each partition; at least {@code expectedCount} of them
     * @throws AssertionError if fewer arrive within {@code timeout}, saying how many did
     */
    public <K, V> List<ConsumerRecord<K, V>> consumeAll(String topic, Deserializer<K> keyDeserializer,
                                                        Deserializer<V> valueDeserializer, int expectedCount,
                                                        Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<K, V>> consumed = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumed.size() < expectedCount && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(consumed::add);
            }
        }
        if (consumed.size() < expectedCount) {
            throw new AssertionError("expected " + expectedCount + " committed records in " + topic + " within "
                    + timeout + ", got " + consumed.size() + ": " + consumed);
        }
        return consumed;
    }
}
