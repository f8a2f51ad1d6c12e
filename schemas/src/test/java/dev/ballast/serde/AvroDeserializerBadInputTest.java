package dev.ballast.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.registry.RegistryClientConfig;
import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryClient;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.serde.BadRecordException.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AvroDeserializerBadInputTest {

    private EmbeddedSchemaRegistry registry;
    private SchemaRegistryClient client;
    private Serde<LabelledEvent> events;

    @BeforeEach
    void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(null, 0, null);
        client = new RestSchemaRegistryClient(RegistryClientConfig.forUrls(registry.url()).withMaxRetries(0));
        events = AvroSerdes.specific(LabelledEvent.class, client, new SerdeConfig(Map.of()), false);
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void shouldRejectNullAndEmptyPayloadsAsNotAvro() {
        assertEquals(Kind.NOT_AVRO, badRecord(events.deserializer(), null).kind());
        assertEquals(Kind.NOT_AVRO, badRecord(events.deserializer(), new byte[0]).kind());
    }

    @Test
    void shouldRejectJsonByItsMagicByte() {
        BadRecordException error = badRecord(events.deserializer(), "{\"id\":1}".getBytes(StandardCharsets.UTF_8));

        assertEquals(Kind.WRONG_MAGIC_BYTE, error.kind());
        assertEquals("magic byte 0x7b, expected 0x00", error.reason());
    }

    @Test
    void shouldRejectPayloadShorterThanTheHeaderAsTruncated() {
        assertEquals(Kind.TRUNCATED, badRecord(events.deserializer(), new byte[] {0, 0, 0}).kind());
    }

    @Test
    void shouldRejectUnknownSchemaId() {
        byte[] bytes = events.serializer().serialize("events", SampleRecords.denseEvent());
        bytes[4] = 99;

        BadRecordException error = badRecord(events.deserializer(), bytes);

        assertEquals(Kind.UNKNOWN_SCHEMA_ID, error.kind());
        assertTrue(error.reason().contains("99"), error.reason());
    }

    @Test
    void shouldRejectEveryTruncationOfAValidRecordAsTruncated() {
        byte[] bytes = events.serializer().serialize("events", SampleRecords.denseEvent());

        for (int length = 5; length < bytes.length; length++) {
            assertEquals(Kind.TRUNCATED, badRecord(events.deserializer(), Arrays.copyOf(bytes, length)).kind());
        }
    }

    @Test
    void shouldRejectTrailingBytesAsMalformed() {
        byte[] bytes = events.serializer().serialize("events", SampleRecords.sparseEvent());

        assertEquals(Kind.MALFORMED, badRecord(events.deserializer(), Arrays.copyOf(bytes, bytes.length + 1)).kind());
    }

    @Test
    void shouldRejectOutOfRangeUnionIndexAsMalformed() {
        Schema schema = SchemaBuilder.record("Choice").fields().name("value").type().unionOf().nullType().and()
                .intType().endUnion().nullDefault().endRecord();
        Deserializer<GenericRecord> reader = genericReader(schema, Map.of());

        assertEquals(Kind.MALFORMED, badRecord(reader, payload(schema, 0x04)).kind());
    }

    @Test
    void shouldRejectHugeDeclaredLengthsQuicklyWithoutAllocating() {
        Schema floats = SchemaBuilder.record("Floats").fields().name("values").type().array().items().floatType()
                .noDefault().endRecord();
        Schema text = SchemaBuilder.record("Text").fields().requiredString("value").endRecord();
        Schema nulls = SchemaBuilder.record("Nulls").fields().name("values").type().array().items().nullType()
                .noDefault().endRecord();
        byte[] billionFloats = payload(floats, 0x80, 0xa8, 0xd6, 0xb9, 0x07);
        byte[] exabyteString = payload(text, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
        byte[] trillionNulls = payload(nulls, 0x80, 0xa0, 0x94, 0xa5, 0x8d, 0x1d);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(Kind.TRUNCATED, badRecord(genericReader(floats, Map.of()), billionFloats).kind());
            assertEquals(Kind.TRUNCATED, badRecord(genericReader(text, Map.of()), exabyteString).kind());
            assertEquals(Kind.TOO_LARGE, badRecord(genericReader(nulls, Map.of()), trillionNulls).kind());
        });
    }

    @Test
    void shouldRejectPayloadOverTheConfiguredLimitAsTooLarge() {
        byte[] bytes = events.serializer().serialize("events", SampleRecords.denseEvent());
        SerdeConfig small = new SerdeConfig(Map.of(SerdeConfig.MAX_PAYLOAD_BYTES, 16));

        BadRecordException error = badRecord(new AvroDeserializer<>(LabelledEvent.class, client, small), bytes);

        assertEquals(Kind.TOO_LARGE, error.kind());
    }

    @Test
    void shouldRejectWriterSchemaThatDoesNotResolveAgainstTheReaderClass() {
        Schema clash = SchemaBuilder.record("DeadLetter").namespace("dev.ballast.schema").fields()
                .requiredInt("reason").endRecord();
        GenericRecord record = new GenericData.Record(clash);
        record.put("reason", 7);
        byte[] bytes = AvroSerdes.generic(client, new SerdeConfig(Map.of()), false).serializer().serialize("clash", record);

        BadRecordException error = badRecord(new AvroDeserializer<>(DeadLetter.class, client, new SerdeConfig(Map.of())), bytes);

        assertEquals(Kind.INCOMPATIBLE_SCHEMA, error.kind());
        assertTrue(error.reason().contains("/fields/0"), error.reason());
    }

    @Test
    void shouldKeepReadingCachedSchemasWhenTheRegistryGoesDown() {
        byte[] dense = events.serializer().serialize("events", SampleRecords.denseEvent());
        byte[] sparse = events.serializer().serialize("events", SampleRecords.sparseEvent());
        Deserializer<LabelledEvent> reader = events.deserializer();
        assertEquals(SampleRecords.denseEvent(), reader.deserialize("events", dense));
        byte[] unseenId = dense.clone();
        unseenId[4] = 77;

        registry.close();

        assertEquals(SampleRecords.denseEvent(), reader.deserialize("events", dense));
        assertEquals(SampleRecords.sparseEvent(), reader.deserialize("events", sparse));
        SerializationException outage = assertThrows(SerializationException.class, () -> reader.deserialize("events", unseenId));
        assertFalse(outage instanceof BadRecordException, "a registry outage is not a bad record");
        assertTrue(outage.getMessage().endsWith("Schema Registry at " + registry.url()
                + " is not reachable (connection refused)"), outage.getMessage());
    }

    private Deserializer<GenericRecord> genericReader(Schema schema, Map<String, Object> config) {
        return AvroDeserializer.generic(schema, new FixedIdRegistryClient(1, schema), new SerdeConfig(config));
    }

    private static byte[] payload(Schema schema, int... body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 0, 0, 1});
        for (int b : body) {
            out.write(b);
        }
        return out.toByteArray();
    }

    private static BadRecordException badRecord(Deserializer<?> deserializer, byte[] bytes) {
        Throwable thrown = assertThrows(Throwable.class, () -> deserializer.deserialize("events", bytes));
        return assertInstanceOf(BadRecordException.class, thrown);
    }
}
