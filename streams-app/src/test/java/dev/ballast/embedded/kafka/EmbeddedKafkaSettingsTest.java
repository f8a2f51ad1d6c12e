package dev.ballast.embedded.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EmbeddedKafkaSettingsTest {

    @Test
    void shouldDefaultToLoopbackFreePortsAndTemporaryDataDir() {
        EmbeddedKafkaSettings defaults = EmbeddedKafkaSettings.defaults();

        assertEquals("127.0.0.1", defaults.host());
        assertEquals(0, defaults.port());
        assertEquals(0, defaults.controllerPort());
        assertNull(defaults.dataDir());
        assertEquals(1, defaults.defaultPartitions());
        assertTrue(defaults.brokerOverrides().isEmpty());
    }

    @Test
    void shouldChangeOnlyTheNamedValueWhenCopiedWithAWither() {
        EmbeddedKafkaSettings settings = EmbeddedKafkaSettings.defaults()
                .withPort(9092)
                .withControllerPort(9093)
                .withDataDir(Path.of("/tmp/kafka"))
                .withDefaultPartitions(3)
                .withBrokerOverrides(Map.of("log.retention.hours", "1"))
                .withHost("localhost");

        assertEquals(new EmbeddedKafkaSettings("localhost", 9092, 9093, Path.of("/tmp/kafka"), 3,
                Map.of("log.retention.hours", "1")), settings);
    }

    @Test
    void shouldNotSeeLaterChangesToTheOverridesMapPassedIn() {
        Map<String, String> overrides = new HashMap<>(Map.of("num.io.threads", "4"));
        EmbeddedKafkaSettings settings = EmbeddedKafkaSettings.defaults().withBrokerOverrides(overrides);

        overrides.put("num.io.threads", "8");

        assertEquals(Map.of("num.io.threads", "4"), settings.brokerOverrides());
    }

    @Test
    void shouldNameTheBadValueWhenRejectingSettings() {
        EmbeddedKafkaSettings defaults = EmbeddedKafkaSettings.defaults();

        assertEquals("port must be in [0, 65535], was 70000",
                assertThrows(IllegalArgumentException.class, () -> defaults.withPort(70_000)).getMessage());
        assertEquals("controllerPort must be in [0, 65535], was -1",
                assertThrows(IllegalArgumentException.class, () -> defaults.withControllerPort(-1)).getMessage());
        assertEquals("port and controllerPort must differ, both are 9092",
                assertThrows(IllegalArgumentException.class,
                        () -> defaults.withPort(9092).withControllerPort(9092)).getMessage());
        assertEquals("defaultPartitions must be at least 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> defaults.withDefaultPartitions(0)).getMessage());
        assertEquals("host must not be blank",
                assertThrows(IllegalArgumentException.class, () -> defaults.withHost(" ")).getMessage());
    }
}
