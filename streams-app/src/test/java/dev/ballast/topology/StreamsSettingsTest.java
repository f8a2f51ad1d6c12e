package dev.ballast.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsSettingsTest {

    @Test
    void shouldTurnTaskIdlingOffUnlessTheUserSetsIt() {
        Properties defaults = StreamsSettings.of(new BallastConfig(basics(Map.of())));
        Properties userSet = StreamsSettings.of(new BallastConfig(basics(Map.of(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "500"))));

        assertEquals(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED, defaults.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG));
        assertEquals("500", userSet.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG));
        // Kafka Streams accepts the value it is given.
        assertEquals(-1L, new StreamsConfig(defaults).getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG));
    }

    @Test
    void shouldLetTheUserOverrideBallastsKafkaStreamsDefaults() {
        Properties properties = StreamsSettings.of(new BallastConfig(basics(Map.of(
                "producer.compression.type", "zstd", StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once"))));

        assertEquals("zstd", properties.get("producer.compression.type"));
        assertEquals("at_least_once", properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    }

    @Test
    void shouldNotWarnAboutTheGlobalThreadsProcessingHandlerWhenKafkaStreamsStarts(@TempDir Path stateDir) {
        Map<String, String> settings = basics(Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()));
        settings.put("bootstrap.servers", "127.0.0.1:1");
        Properties properties = StreamsSettings.of(new BallastConfig(settings));
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("ballast.events").to("ballast.predictions");

        try (LogCapture warnings = LogCapture.of(StreamsConfig.class,
                event -> event.getFormattedMessage().contains("GlobalThread"))) {
            // The constructor builds every StreamsConfig Kafka Streams uses: its own, and the one each stream
            // thread's partition assignor reads from the main consumer's settings. Nothing connects yet.
            KafkaStreams streams = new KafkaStreams(builder.build(), properties);
            streams.close(Duration.ofSeconds(10));

            assertTrue(warnings.events().isEmpty(), () -> "logged: " + warnings.events());
        }
    }

    private static Map<String, String> basics(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("bootstrap.servers", "broker-1:9093");
        settings.put("schema.registry.url", "http://registry:8081");
        return settings;
    }
}
