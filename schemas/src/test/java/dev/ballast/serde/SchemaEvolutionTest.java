package dev.ballast.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.registry.RegistryClientConfig;
import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryClient;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each schema's next version, with one added optional field, must interoperate with the current one both ways. */
class SchemaEvolutionTest {

    private static final String ADDED_FIELD = "addedInV2";
    private static final ObjectMapper JSON = new ObjectMapper();

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
                SampleRecords.metrics(), SampleRecords.alert(), SampleRecords.deadLetter(), SampleRecords.prediction(),
                SampleRecords.labelFeedback());
    }

    @ParameterizedTest
    @MethodSource("everySchema")
    void shouldBeBackwardAndForwardCompatibleWithTheNextVersion(SpecificRecord record) {
        Schema v1 = record.getSchema();
        Schema v2 = withAddedOptionalField(v1);

        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(v2, v1).getType(), "v2 reads v1 (backward)");
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(v1, v2).getType(), "v1 reads v2 (forward)");
    }

    @ParameterizedTest
    @MethodSource("everySchema")
    <T extends SpecificRecord> void shouldLetAVersionTwoProducerAndAVersionOneConsumerInteroperate(T record) {
        Class<T> type = typeOf(record);
        String topic = "v2-to-v1-" + type.getSimpleName();
        GenericRecord v2Record = toVersionTwo(record);
        v2Record.put(ADDED_FIELD, "only v2 knows");
        Serde<T> v1Serde = AvroSerdes.specific(type, client, config(Map.of()), false);
        v1Serde.serializer().serialize(topic, record);

        byte[] v2Bytes = AvroSerdes.generic(client, config(Map.of()), false).serializer().serialize(topic, v2Record);

        assertEquals(2, client.latest(topic + "-value").version());
        assertEquals(record, v1Serde.deserializer().deserialize(topic, v2Bytes));
    }

    @ParameterizedTest
    @MethodSource("everySchema")
    <T extends SpecificRecord> void shouldLetAVersionOneProducerAndAVersionTwoConsumerInteroperate(T record) {
        Class<T> type = typeOf(record);
        String topic = "v1-to-v2-" + type.getSimpleName();
        Schema v2 = withAddedOptionalField(record.getSchema());
        byte[] v1Bytes = AvroSerdes.specific(type, client, config(Map.of()), false).serializer().serialize(topic, record);

        GenericRecord read = AvroDeserializer.generic(v2, client, config(Map.of())).deserialize(topic, v1Bytes);

        assertEquals(v2, read.getSchema());
        assertNull(read.get(ADDED_FIELD));
        assertEquals(toVersionTwo(record), read);
    }

    @ParameterizedTest
    @MethodSource("everySchema")
    <T extends SpecificRecord> void shouldWriteVersionOneRecordsWithTheLatestSchemaWhenConfigured(T record) {
        Class<T> type = typeOf(record);
        String topic = "latest-" + type.getSimpleName();
        int v2Id = client.register(topic + "-value", withAddedOptionalField(record.getSchema()));
        Serde<T> latest = AvroSerdes.specific(type, client,
                config(Map.of(SerdeConfig.USE_LATEST_VERSION, true, SerdeConfig.AUTO_REGISTER_SCHEMAS, false)), false);

        byte[] bytes = latest.serializer().serialize(topic, record);

        assertEquals(v2Id, WireFormat.schemaId(bytes));
        assertEquals(record, latest.deserializer().deserialize(topic, bytes));
    }

    private static Schema withAddedOptionalField(Schema v1) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(v1.toString());
            ObjectNode added = ((ArrayNode) json.get("fields")).addObject();
            added.put("name", ADDED_FIELD);
            added.putArray("type").add("null").add("string");
            added.putNull("default");
            added.put("doc", "A field the next version adds.");
            return new Schema.Parser().parse(json.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The record as a generic record of the next version, by Avro schema resolution. */
    private static GenericRecord toVersionTwo(SpecificRecord record) {
        Schema v1 = record.getSchema();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            SpecificData.getForClass(record.getClass()).createDatumWriter(v1).write(record, encoder);
            encoder.flush();
            return new GenericDatumReader<GenericRecord>(v1, withAddedOptionalField(v1), GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Class<T> typeOf(T record) {
        return (Class<T>) record.getClass();
    }

    private static SerdeConfig config(Map<String, Object> settings) {
        return new SerdeConfig(settings);
    }
}
