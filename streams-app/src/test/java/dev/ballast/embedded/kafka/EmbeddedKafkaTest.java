package dev.ballast.embedded.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.PrivateBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@BrokerTest
class EmbeddedKafkaTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldDeliverProducedRecordsToConsumers(EmbeddedKafka kafka) {
        KafkaTestClient client = new KafkaTestClient(kafka);
        String topic = KafkaTestClient.uniqueName("plain");
        client.createTopics(2, topic);

        client.produce(topic, new StringSerializer(), new StringSerializer(),
                List.of(KeyValue.pair("a", "1"), KeyValue.pair("b", "2"), KeyValue.pair("a", "3")));

        Map<String, List<String>> valuesByKey = client
                .consumeAll(topic, new StringDeserializer(), new StringDeserializer(), 3, TIMEOUT).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key,
                        Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
        assertEquals(Map.of("a", List.of("1", "3"), "b", List.of("2")), valuesByKey);
    }

    @Test
    void shouldShowCommittedAndHideAbortedTransactionsToReadCommittedConsumers(EmbeddedKafka kafka) {
        KafkaTestClient client = new KafkaTestClient(kafka);
        String topic = KafkaTestClient.uniqueName("transactions");
        client.createTopics(1, topic);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaTestClient.uniqueName("tx")),
                new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted-1"));
            producer.send(new ProducerRecord<>(topic, "k", "aborted-2"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
            producer.commitTransaction();
        }

        List<String> values = client.consumeAll(topic, new StringDeserializer(), new StringDeserializer(), 2, TIMEOUT)
                .stream().map(ConsumerRecord::value).toList();
        assertEquals(List.of("committed-1", "committed-2"), values);
    }

    @Test
    void shouldKeepRecordsAndPortAndReconnectClientsWhenRestarted(@PrivateBroker EmbeddedKafka kafka)
            throws Exception {
        KafkaTestClient client = new KafkaTestClient(kafka);
        String topic = KafkaTestClient.uniqueName("restart");
        client.createTopics(1, topic);

        // The producer knows only the address it was given: its second send succeeds only if the restarted
        // broker listens there again and the producer reconnects by itself.
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "before")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            kafka.restart();

            producer.send(new ProducerRecord<>(topic, "k", "after")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        List<String> values = client.consumeAll(topic, new StringDeserializer(), new StringDeserializer(), 2, TIMEOUT)
                .stream().map(ConsumerRecord::value).toList();
        assertEquals(List.of("before", "after"), values);
    }

    @Test
    void shouldKeepRecordsAndLeaveNoThreadsWhenStartedAgainOnTheSameDataDir(@TempDir Path dataDir)
            throws InterruptedException {
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        EmbeddedKafkaSettings settings = EmbeddedKafkaSettings.defaults().withDataDir(dataDir);
        String topic = KafkaTestClient.uniqueName("reopen");
        int port;
        try (EmbeddedKafka first = EmbeddedKafka.start(settings)) {
            KafkaTestClient client = new KafkaTestClient(first);
            client.createTopics(1, topic);
            client.produce(topic, new StringSerializer(), new StringSerializer(), List.of(KeyValue.pair("k", "kept")));
            port = portOf(first);
        }
        assertTrue(Files.exists(dataDir.resolve("meta.properties")), "a given data dir outlives close()");

        try (EmbeddedKafka second = EmbeddedKafka.start(settings.withPort(port))) {
            List<String> values = new KafkaTestClient(second)
                    .consumeAll(topic, new StringDeserializer(), new StringDeserializer(), 1, TIMEOUT).stream()
                    .map(ConsumerRecord::value).toList();
            assertEquals(List.of("kept"), values);
        }

        assertEquals(List.of(), threadsStartedSince(threadsBefore));
    }

    @Test
    void shouldDeleteATemporaryDataDirWhenClosed() {
        Path dataDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.defaults())) {
            dataDir = kafka.dataDir();
            assertTrue(Files.exists(dataDir.resolve("meta.properties")), "formatted on start");
        }

        assertFalse(Files.exists(dataDir));
    }

    @Test
    void shouldSayWhichPortIsTakenWhenAnotherBrokerHoldsIt(EmbeddedKafka kafka) {
        int port = portOf(kafka);

        PortInUseException portInUse = assertThrows(PortInUseException.class,
                () -> EmbeddedKafka.start(EmbeddedKafkaSettings.defaults().withPort(port)));

        assertEquals("port " + port + " on 127.0.0.1 is in use", portInUse.getMessage());
        assertEquals(port, portInUse.port());
    }

    @Test
    void shouldSayWhichPortIsTakenWhenTheControllerPortIsHeld() throws Exception {
        try (ServerSocketChannel holder = ServerSocketChannel.open()) {
            holder.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) holder.getLocalAddress()).getPort();

            PortInUseException portInUse = assertThrows(PortInUseException.class,
                    () -> EmbeddedKafka.start(EmbeddedKafkaSettings.defaults().withControllerPort(port)));

            assertEquals("port " + port + " on 127.0.0.1 is in use", portInUse.getMessage());
        }
    }

    private static int portOf(EmbeddedKafka kafka) {
        String bootstrapServers = kafka.bootstrapServers();
        return Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
    }

    /** Threads may end a moment after the joins of a shutdown return, so allow them a few seconds. */
    private static List<String> threadsStartedSince(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> lingering;
        do {
            lingering = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> !before.contains(thread) && thread.isAlive())
                    .map(Thread::getName)
                    .sorted()
                    .toList();
            if (!lingering.isEmpty()) {
                Thread.sleep(100);
            }
        } while (!lingering.isEmpty() && System.nanoTime() < deadline);
        return lingering;
    }
}
