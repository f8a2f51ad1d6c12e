package dev.ballast.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.config.BallastConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

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

    private static Map<String, String> basics(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("bootstrap.servers", "broker-1:9093");
        settings.put("schema.registry.url", "http://registry:8081");
        return settings;
    }
}
