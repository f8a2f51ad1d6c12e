package dev.ballast.serde;

import dev.ballast.registry.RegisteredSchema;
import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes specific (generated) or generic Avro records in the Confluent wire format.
 *
 * <p>The schema id comes from registering the record's schema under the configured subject
 * ({@code auto.register.schemas=true}, the default), from looking it up ({@code false}), or, with
 * {@code use.latest.version}, from the subject's latest version, to which the record is converted by Avro schema
 * resolution (the latest version is fetched once per subject, see {@link SchemaRegistryClient#pinnedLatest}). Ids
 * are cached by the registry client; {@link RestSchemaRegistryClient} shares them with every client of the same
 * registry, so an id resolved once, by {@link #schemaId} at start-up for instance, serves serializers created later
 * without a registry call. A {@code null} record serializes to {@code null}, a tombstone. Thread-safe once
 * configured.
 *
 * @param <T> the record type
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {

    private record WriterKey(Schema schema, Class<?> recordType) { }

    private record Conversion(Schema from, Schema to) { }

    /** The schema id a record is written with, and the schema it is encoded in under that id. */
    private record Writer(int id, Schema schema) { }

    private SchemaRegistryClient client;
    private SerdeConfig config;
    private boolean isKey;
    private SubjectNameStrategy subjectNameStrategy;
    private final Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final Map<Conversion, DatumReader<Object>> converters = new ConcurrentHashMap<>();

    /** An unconfigured serializer; {@link #configure(Map, boolean)} creates its registry client from the settings. */
    public AvroSerializer() {
    }

    /** A ready serializer using {@code client}, which may be shared with other serdes. */
    public AvroSerializer(SchemaRegistryClient client, SerdeConfig config, boolean isKey) {
        this.client = client;
        this.config = config;
        this.isKey = isKey;
        this.subjectNameStrategy = config.subjectNameStrategy(isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig parsed = new SerdeConfig(configs);
        this.client = new RestSchemaRegistryClient(parsed.registryClientConfig());
        this.config = parsed;
        this.isKey = isKey;
        this.subjectNameStrategy = parsed.subjectNameStrategy(isKey);
    }

    /**
     * @throws SerializationException when the registry cannot give a schema id or the record is not valid for its
     *     schema (for example a required field is null)
     */
    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        requireConfigured();
        Schema schema = record.getSchema();
        String subject = subjectNameStrategy.subject(topic, isKey, schema);
        Writer writer = writer(subject, schema);
        IndexedRecord datum = writer.schema().equals(schema) ? record : convert(record, writer.schema(), subject);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        WireFormat.writeHeader(out, writer.id());
        encode(datum, out, topic);
        return out.toByteArray();
    }

    /**
     * The schema id that records of {@code schema} written to {@code topic} get, resolved as {@link #serialize} does
     * (registered, looked up, or the subject's latest). Resolving it ahead, at start-up, lets every serializer of the
     * same registry in this process write such records without a registry call.
     *
     * @throws SerializationException naming the subject when the registry cannot give the id
     */
    public int schemaId(String topic, Schema schema) {
        requireConfigured();
        return writer(subjectNameStrategy.subject(topic, isKey, schema), schema).id();
    }

    /** The id and schema to write records of {@code schema} under {@code subject} with. */
    private Writer writer(String subject, Schema schema) {
        try {
            if (config.useLatestVersion()) {
                RegisteredSchema latest = client.pinnedLatest(subject);
                return new Writer(latest.id(), latest.schema());
            }
            int id = config.autoRegisterSchemas() ? client.register(subject, schema) : client.idOf(subject, schema);
            return new Writer(id, schema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot get a schema id for subject '" + subject + "' (record "
                    + schema.getFullName() + "): " + e.getMessage(), e);
        }
    }

    private void requireConfigured() {
        if (client == null) {
            throw new IllegalStateException("AvroSerializer is not configured: call configure() or use AvroSerdes");
        }
    }

    private IndexedRecord convert(IndexedRecord record, Schema target, String subject) {
        DatumReader<Object> converter = converters.computeIfAbsent(new Conversion(record.getSchema(), target), pair -> {
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(pair.to(), pair.from());
            if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new SerializationException("The latest schema of subject '" + subject
                        + "' cannot represent records of " + pair.from().getFullName() + ": "
                        + compatibility.getDescription());
            }
            return new GenericDatumReader<>(pair.from(), pair.to(), GenericData.get());
        });
        ByteArrayOutputStream own = new ByteArrayOutputStream(256);
        encode(record, own, subject);
        try {
            return (IndexedRecord) converter.read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot convert a " + record.getSchema().getFullName()
                    + " to the latest schema of subject '" + subject + "'", e);
        }
    }

    @SuppressWarnings("unchecked") // Avro's models hand out raw writers that accept any datum of the schema
    private static DatumWriter<Object> newWriter(WriterKey key) {
        GenericData model = SpecificRecord.class.isAssignableFrom(key.recordType())
                ? SpecificData.getForClass(key.recordType())
                : GenericData.get();
        return (DatumWriter<Object>) model.createDatumWriter(key.schema());
    }

    private void encode(IndexedRecord datum, ByteArrayOutputStream out, String topic) {
        DatumWriter<Object> writer = writers.computeIfAbsent(new WriterKey(datum.getSchema(), datum.getClass()),
                AvroSerializer::newWriter);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize a " + datum.getSchema().getFullName()
                    + " for topic '" + topic + "': " + e.getMessage(), e);
        }
    }
}
