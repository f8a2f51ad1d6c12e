package dev.ballast.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.registry.RegistryClientConfig;
import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DeadLetter;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * Serializers built from properties, as Kafka Streams builds them, each with a registry client of its own: a schema
 * id one of them resolved serves the others of the same registry while it is down, and never those of another.
 */
class SerializerRegistryOutageTest {

    private static final String TOPIC = "outage-dead-letters";

    @Test
    void shouldSerializeWithTheIdAnotherSerializerResolvedWhenTheRegistryIsDown() {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(null, 0, null);
        Map<String, Object> settings = settings(registry.url());
        int id;
        try (registry) {
            id = serializer(settings).schemaId(TOPIC, DeadLetter.getClassSchema());
        }

        Serde<DeadLetter> later = AvroSerdes.specific(DeadLetter.class, settings, false);
        byte[] bytes = later.serializer().serialize(TOPIC, SampleRecords.deadLetter());

        assertEquals(id, WireFormat.schemaId(bytes));
        assertEquals(SampleRecords.deadLetter(), later.deserializer().deserialize(TOPIC, bytes));
    }

    @Test
    void shouldWriteWithTheLatestVersionAnotherSerializerPinnedWhenTheRegistryIsDown() {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(null, 0, null);
        Map<String, Object> settings = settings(registry.url());
        settings.put(SerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        settings.put(SerdeConfig.USE_LATEST_VERSION, true);
        int id;
        try (registry) {
            id = new RestSchemaRegistryClient(RegistryClientConfig.forUrls(registry.url()))
                    .register(TOPIC + "-value", DeadLetter.getClassSchema());
            serializer(settings).schemaId(TOPIC, DeadLetter.getClassSchema());
        }

        byte[] bytes = AvroSerdes.specific(DeadLetter.class, settings, false).serializer()
                .serialize(TOPIC, SampleRecords.deadLetter());

        assertEquals(id, WireFormat.schemaId(bytes));
    }

    @Test
    void shouldAskItsOwnRegistryWhenAnotherRegistryGaveTheId() {
        EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(null, 0, null);
        try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start(null, 0, null)) {
            try (first) {
                serializer(settings(first.url())).schemaId(TOPIC, DeadLetter.getClassSchema());
            }

            AvroSerdes.specific(DeadLetter.class, settings(second.url()), false).serializer()
                    .serialize(TOPIC, SampleRecords.deadLetter());

            assertEquals(DeadLetter.getClassSchema(), new RestSchemaRegistryClient(
                    RegistryClientConfig.forUrls(second.url())).latest(TOPIC + "-value").schema(), "registered there");
        }
    }

    /** Settings that give up on an unreachable registry at once. */
    private static Map<String, Object> settings(String url) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(SerdeConfig.SCHEMA_REGISTRY_URL, url);
        settings.put(SerdeConfig.REGISTRY_MAX_RETRIES, 0);
        return settings;
    }

    private static AvroSerializer<DeadLetter> serializer(Map<String, Object> settings) {
        AvroSerializer<DeadLetter> serializer = new AvroSerializer<>();
        serializer.configure(settings, false);
        return serializer;
    }
}
