package dev.ballast.embedded.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@BrokerTest
class EmbeddedKafkaExactlyOnceTest {

    @Test
    void shouldRunAnExactlyOnceStreamsAppToCommittedOutput(EmbeddedKafka kafka, @TempDir Path stateDir) {
        KafkaTestClient client = new KafkaTestClient(kafka);
        String input = KafkaTestClient.uniqueName("eos-in");
        String output = KafkaTestClient.uniqueName("eos-out");
        client.createTopics(2, input, output);

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(value -> value.toUpperCase())
                .to(output, Produced.with(Serdes.String(), Serdes.String()));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, KafkaTestClient.uniqueName("eos-app"));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);

        try (KafkaStreams streams = new KafkaStreams(builder.build(), config)) {
            streams.start();
            client.produce(input, new StringSerializer(), new StringSerializer(),
                    List.of(KeyValue.pair("a", "x"), KeyValue.pair("b", "y"), KeyValue.pair("a", "z")));

            List<KeyValue<String, String>> records = client
                    .consumeAll(output, new StringDeserializer(), new StringDeserializer(), 3, Duration.ofSeconds(45))
                    .stream()
                    .map(record -> KeyValue.pair(record.key(), record.value()))
                    .sorted((left, right) -> (left.key + left.value).compareTo(right.key + right.value))
                    .toList();

            assertEquals(List.of(KeyValue.pair("a", "X"), KeyValue.pair("a", "Z"), KeyValue.pair("b", "Y")), records);
            streams.close(Duration.ofSeconds(10));
        }
    }
}
