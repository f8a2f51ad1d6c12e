package dev.ballast.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.registry.RegistryClientConfig;
import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryClient;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {

    private static EmbeddedSchemaRegistry registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(null, 0, null);
        client = new RestSchemaRegistryClient(RegistryClientConfig.forUrls(registry.url()));
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    static Stream<SpecificRecord> everySchema() {
        return Stream.of(SampleRecords.denseEvent(), SampleRecords.sparseEvent(), SampleRecords.snapshot(),
                SampleRecords.metrics(), SampleRecords.alert(), SampleRecords.deadLetter());
    }

    @ParameterizedTest
    @MethodSource("everySchema")
    <T extends SpecificRecord> void shouldRoundTripEverySchemaThroughTheRegistry(T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        Serde<T> serde = AvroSerdes.specific(type, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);

        String topic = "round-trip-" + type.getSimpleName();

        byte[] bytes = serde.serializer().serialize(topic, record);
        T read = serde.deserializer().deserialize(topic, bytes);

        assertEquals(record, read);
        assertEquals(0, bytes[0]);
        assertEquals(client.idOf(topic + "-value", record.getSchema()), WireFormat.schemaId(bytes));
    }

    @Test
    void shouldReadSpecificBytesAsGenericRecordsInTheWriterSchema() {
        Serde<ModelSnapshot> specific = AvroSerdes.specific(ModelSnapshot.class, client, config(Map.of()), false);
        Serde<GenericRecord> generic = AvroSerdes.generic(client, config(Map.of()), false);

        byte[] bytes = specific.serializer().serialize("generic", SampleRecords.snapshot());
        GenericRecord read = generic.deserializer().deserialize("generic", bytes);

        assertEquals(ModelSnapshot.getClassSchema(), read.getSchema());
        assertEquals(42L, read.get("version"));
        // Not byte-equal: a generic map holds Utf8 keys, so its entries may be written in another order.
        GenericRecord again = generic.deserializer().deserialize("generic", generic.serializer().serialize("generic", read));
        assertEquals(read, again);
    }

    @Test
    void shouldSerializeNullAsTombstone() {
        Serde<DeadLetter> serde = AvroSerdes.specific(DeadLetter.class, client, config(Map.of()), false);

        assertNull(serde.serializer().serialize("tombstones", null));
    }

    @Test
    void shouldNameSubjectsByEachStrategyAndAcceptConfluentClassNames() {
        LabelledEvent event = SampleRecords.denseEvent();
        Map<String, String> expected = Map.of(
                "io.confluent.kafka.serializers.subject.TopicNameStrategy", "strategies-key",
                "RecordNameStrategy", "dev.ballast.schema.LabelledEvent",
                "TopicRecordName", "strategies-dev.ballast.schema.LabelledEvent");
        expected.forEach((strategy, subject) -> {
            SerdeConfig config = config(Map.of(SerdeConfig.KEY_SUBJECT_NAME_STRATEGY, strategy));
            byte[] bytes = AvroSerdes.specific(LabelledEvent.class, client, config, true).serializer()
                    .serialize("strategies", event);

            assertEquals(client.latest(subject).id(), WireFormat.schemaId(bytes), strategy);
        });
    }

    @Test
    void shouldFailWithoutRegisteringWhenAutoRegisterIsOff() {
        SerdeConfig lookupOnly = config(Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, false));
        Serde<DeadLetter> serde = AvroSerdes.specific(DeadLetter.class, client, lookupOnly, false);

        SerializationException error = assertThrows(SerializationException.class,
                () -> serde.serializer().serialize("not-registered", SampleRecords.deadLetter()));

        assertTrue(error.getMessage().contains("not-registered-value"), error.getMessage());
        client.register("not-registered-value", DeadLetter.getClassSchema());
        byte[] bytes = serde.serializer().serialize("not-registered", SampleRecords.deadLetter());
        assertEquals(SampleRecords.deadLetter(), serde.deserializer().deserialize("not-registered", bytes));
    }

    @Test
    void shouldFailFastNamingTheKeyWhenTheStrategyIsUnknown() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> config(Map.of(SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "SubjectByMood")));

        assertTrue(error.getMessage().contains(SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY), error.getMessage());
    }

    @Test
    void shouldRefuseUseBeforeConfigure() {
        AvroSerde<LabelledEvent> serde = new AvroSerde<>(LabelledEvent.class);

        assertThrows(IllegalStateException.class, serde::serializer);
    }

    private static SerdeConfig config(Map<String, Object> overrides) {
        return new SerdeConfig(overrides);
    }
}
