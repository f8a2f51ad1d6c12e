package dev.ballast.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.cluster.BallastSerdes;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * The events topic read back on a real broker: committed, decodable records of the range in offset order, as the
 * application's source node saw them; what it could not decode (and dead-lettered), records without a value, and
 * an aborted transaction's records are skipped; the group's committed offset is the one a consumer of the
 * application's group committed; a range whose start retention deleted is read from the log start.
 */
@BrokerTest
class KafkaSourceLogTest {

    /** One record read back. */
    private record Visit(long offset, String key, String eventId) {
    }

    @Test
    void shouldReadBackWhatTheApplicationDecodedAndTheGroupsCommittedOffset(EmbeddedKafka kafka,
            EmbeddedSchemaRegistry registry) throws Exception {
        String topic = KafkaTestClient.uniqueName("source-log");
        String applicationId = KafkaTestClient.uniqueName("source-log-app");
        new KafkaTestClient(kafka).createTopics(2, topic);
        TopicPartition partition = new TopicPartition(topic, 0);
        BallastSerdes serdes = BallastSerdes.fromConfig(Map.of("schema.registry.url", registry.url()));
        Serializer<LabelledEvent> events = serdes.events().serializer();

        try (KafkaProducer<byte[], byte[]> producer = producer(kafka, null)) {
            send(producer, topic, "m", events.serialize(topic, event("e0")));                 // 0
            send(producer, topic, "m", "not avro".getBytes(StandardCharsets.UTF_8));          // 1: dead-lettered
            send(producer, topic, "m", null);                                                 // 2: no value
            send(producer, topic, null, events.serialize(topic, event("e3")));                // 3: no key
            producer.flush();
        }
        try (KafkaProducer<byte[], byte[]> transactional = producer(kafka, applicationId + "-tx")) {
            transactional.initTransactions();
            transactional.beginTransaction();
            send(transactional, topic, "m", events.serialize(topic, event("aborted")));       // 4, then a marker
            transactional.flush();
            transactional.abortTransaction();
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka, null)) {
            send(producer, topic, "m", events.serialize(topic, event("e6")));                 // 6
            producer.flush();
        }
        long end;
        try (KafkaConsumer<byte[], byte[]> group = groupConsumer(kafka, applicationId)) {
            end = group.endOffsets(List.of(partition)).get(partition);
            group.commitSync(Map.of(partition, new OffsetAndMetadata(4)));
        }

        try (KafkaSourceLog log = new KafkaSourceLog(streamsProperties(kafka, applicationId, registry),
                serdes.events().deserializer())) {
            assertEquals(List.of(new Visit(0, "m", "e0"), new Visit(3, null, "e3"), new Visit(6, "m", "e6")),
                    read(log, partition, 0, end));
            assertEquals(List.of(), read(log, partition, 1, 3), "only records the application could not use");
            assertEquals(List.of(new Visit(3, null, "e3")), read(log, partition, 1, 6),
                    "the range ends before its end offset, and the aborted record is not read");

            assertEquals(4, log.committedOffset(partition));
            IllegalStateException none = assertThrows(IllegalStateException.class,
                    () -> log.committedOffset(new TopicPartition(topic, 1)));
            assertTrue(none.getMessage().contains("has committed no offset of " + topic + "-1"), none.getMessage());

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(2))).all().get();
            }
            assertEquals(List.of(new Visit(3, null, "e3"), new Visit(6, "m", "e6")), read(log, partition, 0, end),
                    "a range whose start is gone is read from the log start (with a warning)");
        }
    }

    private static List<Visit> read(KafkaSourceLog log, TopicPartition partition, long from, long to) {
        List<Visit> visits = new ArrayList<>();
        log.read(partition, from, to, (offset, key, event) -> visits.add(new Visit(offset, key, event.getId())));
        return visits;
    }

    private static Properties streamsProperties(EmbeddedKafka kafka, String applicationId,
            EmbeddedSchemaRegistry registry) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put("schema.registry.url", registry.url());
        return properties;
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka, String transactionalId) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        if (transactionalId != null) {
            properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(EmbeddedKafka kafka, String groupId) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    private static LabelledEvent event(String id) {
        return LabelledEvent.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setModelId("m").setFeatures(new DenseFeatures(List.of(1f, 2f))).setLabels(List.of()).build();
    }
}
