package dev.ballast.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.config.BallastConfig;
import dev.ballast.topology.StreamsSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Kafka's security settings reach the Kafka clients exactly as the user wrote them. */
class KafkaSecuritySettingsTest {

    private static final Map<String, String> SECURITY = Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"ballast\" password=\"p@ss word;\\\"quoted\\\"\";",
            "sasl.login.refresh.buffer.seconds", "120",
            "ssl.truststore.location", "/etc/ballast/truststore.p12",
            "ssl.truststore.password", "  spaces kept  ",
            "ssl.keystore.type", "PKCS12",
            "ssl.endpoint.identification.algorithm", "");

    @Test
    void shouldKeepSecuritySettingsVerbatimInTheClientProperties() {
        Map<String, Object> clients = new BallastConfig(withBasics(SECURITY)).nonBallastProperties();

        SECURITY.forEach((key, value) -> assertEquals(value, clients.get(key), key));
    }

    @Test
    void shouldKeepSecuritySettingsVerbatimInTheKafkaStreamsProperties() {
        Properties streams = StreamsSettings.of(new BallastConfig(withBasics(SECURITY)));

        SECURITY.forEach((key, value) -> assertEquals(value, streams.get(key), key));
    }

    @Test
    void shouldKeepClientPrefixedSecuritySettingsVerbatim() {
        Map<String, String> prefixed = Map.of(
                "producer.ssl.key.password", "producer-only",
                "main.consumer.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "admin.security.protocol", "SSL");

        Properties streams = StreamsSettings.of(new BallastConfig(withBasics(prefixed)));

        prefixed.forEach((key, value) -> assertEquals(value, streams.get(key), key));
    }

    private static Map<String, String> withBasics(Map<String, String> security) {
        Map<String, String> settings = new HashMap<>(security);
        settings.put("bootstrap.servers", "broker-1:9093");
        settings.put("schema.registry.url", "https://registry:8081");
        return settings;
    }
}
