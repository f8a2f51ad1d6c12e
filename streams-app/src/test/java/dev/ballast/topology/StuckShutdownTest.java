package dev.ballast.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka Streams app whose stream thread is busy beyond the close timeout: {@link BallastApp#closeWithin} must say
 * so at WARN (Kafka Streams itself says it only at INFO), with the stack of the thread it waited for, and return.
 */
@BrokerTest
class StuckShutdownTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldWarnWithTheStreamThreadsStackWhenKafkaStreamsDoesNotStopInTime(EmbeddedKafka kafka) throws Exception {
        String topic = KafkaTestClient.uniqueName("stuck");
        KafkaTestClient client = new KafkaTestClient(kafka);
        client.createTopics(1, topic);
        CountDownLatch processing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new BusyProcessor(processing, release));
        Properties properties = new Properties();
        String applicationId = KafkaTestClient.uniqueName("stuck-app");
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        LogCapture warnings = LogCapture.of(BallastApp.class, event -> event.getLevel() == Level.WARN);
        KafkaStreams streams = new KafkaStreams(builder.build(), properties);
        try {
            streams.start();
            client.produce(topic, new StringSerializer(), new StringSerializer(),
                    List.of(KeyValue.pair("key", "value")));
            assertTrue(processing.await(60, TimeUnit.SECONDS), "the record reached the processor");

            assertFalse(BallastApp.closeWithin(streams, Duration.ofSeconds(1)), "the stream thread is still busy");

            // Only this app's warning: another test's app might warn in the same JVM.
            List<String> ours = warnings.events().stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(message -> message.contains(applicationId)).toList();
            assertEquals(1, ours.size(), "one warning: " + ours);
            String warning = ours.get(0);
            assertTrue(warning.startsWith("Kafka Streams did not stop within 1 s (state PENDING_SHUTDOWN)"), warning);
            assertTrue(warning.contains("StreamThread-1 (") && warning.contains("BusyProcessor.process"),
                    "names the stream thread and where it is: " + warning);
        } finally {
            release.countDown();
            assertTrue(BallastApp.closeWithin(streams, Duration.ofSeconds(60)), "stops once the processor returns");
            warnings.close();
        }
    }

    /** Holds the stream thread in {@code process} until released (at most a minute). */
    private record BusyProcessor(CountDownLatch processing, CountDownLatch release)
            implements Processor<String, String, Void, Void> {
        @Override
        public void process(Record<String, String> record) {
            processing.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
