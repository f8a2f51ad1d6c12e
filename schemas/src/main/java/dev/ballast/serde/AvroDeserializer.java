package dev.ballast.serde;

import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryException;
import dev.ballast.serde.BadRecordException.Kind;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes Confluent wire-format Avro into specific (generated) records, resolving the writer's schema (by its
 * id) against the class's schema, or into generic records in the writer's schema.
 *
 * <p>Bad bytes of any kind raise {@link BadRecordException} and nothing else: no payload, a wrong magic byte, an
 * unknown schema id, truncated or malformed data, a writer schema that does not resolve against the reader's, or a
 * payload over {@code ballast.serde.max.payload.bytes}. Before Avro decodes, the bytes are walked against the
 * writer schema so that declared lengths can never make Avro allocate more than the payload justifies. A registry
 * failure for an id not yet cached is not a bad record and raises a plain {@link SerializationException}; ids
 * already seen keep working while the registry is down. Per-id resolvers are cached. Thread-safe once configured.
 *
 * @param <T> the record type: a generated {@link SpecificRecord} class, or {@link org.apache.avro.generic.GenericRecord}
 */
public final class AvroDeserializer<T extends IndexedRecord> implements Deserializer<T> {

    private final Schema readerSchema;
    private final SpecificData specificModel;
    private SchemaRegistryClient client;
    private int maxPayloadBytes;
    private final Map<Integer, Resolution<T>> resolutions = new ConcurrentHashMap<>();

    /** How to read one writer schema id; {@code incompatibility} is non-null when it cannot be read. */
    private record Resolution<T>(PayloadGuard guard, DatumReader<T> reader, String incompatibility) { }

    /**
     * An unconfigured deserializer for {@code type}; {@link #configure(Map, boolean)} creates its registry client.
     *
     * @param type a generated {@link SpecificRecord} class, or {@code GenericRecord.class} for generic records in
     *     the writer's schema
     */
    public AvroDeserializer(Class<T> type) {
        if (SpecificRecord.class.isAssignableFrom(type)) {
            this.specificModel = SpecificData.getForClass(type);
            this.readerSchema = specificModel.getSchema(type);
        } else if (type.isAssignableFrom(GenericData.Record.class)) {
            this.specificModel = null;
            this.readerSchema = null;
        } else {
            throw new IllegalArgumentException(type.getName() + " is neither a generated Avro class nor GenericRecord");
        }
    }

    /** A ready deserializer for {@code type} (as in {@link #AvroDeserializer(Class)}) using {@code client}. */
    public AvroDeserializer(Class<T> type, SchemaRegistryClient client, SerdeConfig config) {
        this(type);
        this.client = client;
        this.maxPayloadBytes = config.maxPayloadBytes();
    }

    private AvroDeserializer(Schema readerSchema, SchemaRegistryClient client, SerdeConfig config) {
        this.readerSchema = readerSchema;
        this.specificModel = null;
        this.client = client;
        this.maxPayloadBytes = config.maxPayloadBytes();
    }

    /**
     * A ready deserializer of generic records in {@code readerSchema}: each writer schema is resolved against it,
     * as for generated classes, so a consumer can pin the schema version it understands.
     */
    public static AvroDeserializer<GenericRecord> generic(Schema readerSchema, SchemaRegistryClient client,
            SerdeConfig config) {
        return new AvroDeserializer<>(readerSchema, client, config);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig parsed = new SerdeConfig(configs);
        this.client = new RestSchemaRegistryClient(parsed.registryClientConfig());
        this.maxPayloadBytes = parsed.maxPayloadBytes();
    }

    /**
     * @throws BadRecordException when the bytes are not a usable record
     * @throws SerializationException when the registry cannot be asked about a schema id not cached yet
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure() or use AvroSerdes");
        }
        if (data == null || data.length == 0) {
            throw new BadRecordException(Kind.NOT_AVRO, data == null ? "no payload (null)" : "empty payload");
        }
        if (data.length > maxPayloadBytes) {
            throw new BadRecordException(Kind.TOO_LARGE,
                    "payload of " + data.length + " bytes exceeds the limit of " + maxPayloadBytes);
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw new BadRecordException(Kind.WRONG_MAGIC_BYTE,
                    String.format("magic byte 0x%02x, expected 0x00", data[0] & 0xff));
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            throw new BadRecordException(Kind.TRUNCATED,
                    data.length + " bytes, shorter than the " + WireFormat.HEADER_SIZE + "-byte header");
        }
        int schemaId = WireFormat.schemaId(data);
        Resolution<T> resolution = resolutions.get(schemaId);
        if (resolution == null) {
            resolution = resolve(schemaId);
            resolutions.putIfAbsent(schemaId, resolution);
        }
        if (resolution.incompatibility() != null) {
            throw new BadRecordException(Kind.INCOMPATIBLE_SCHEMA, resolution.incompatibility());
        }
        resolution.guard().check(data, WireFormat.HEADER_SIZE, maxPayloadBytes);
        try {
            return resolution.reader().read(null, DecoderFactory.get()
                    .binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new BadRecordException(Kind.MALFORMED, "schema id " + schemaId + ": " + e.getMessage(), e);
        }
    }

    private Resolution<T> resolve(int schemaId) {
        Schema writerSchema;
        try {
            writerSchema = client.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
                throw new BadRecordException(Kind.UNKNOWN_SCHEMA_ID, "schema id " + schemaId + " is not registered", e);
            }
            throw new SerializationException("Cannot fetch schema id " + schemaId + ": " + e.getMessage(), e);
        }
        PayloadGuard guard = new PayloadGuard(writerSchema);
        if (readerSchema == null) {
            return new Resolution<>(guard, new GenericDatumReader<>(writerSchema, writerSchema, GenericData.get()), null);
        }
        SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            String firstProblem = compatibility.getResult().getIncompatibilities().stream()
                    .map(problem -> problem.getMessage() + " at " + problem.getLocation())
                    .findFirst()
                    .orElse(compatibility.getDescription());
            return new Resolution<>(guard, null, "writer schema id " + schemaId + " (" + writerSchema.getFullName()
                    + ") cannot be read as " + readerSchema.getFullName() + ": " + firstProblem);
        }
        DatumReader<T> reader = specificModel == null
                ? new GenericDatumReader<>(writerSchema, readerSchema, GenericData.get())
                : new SpecificDatumReader<>(writerSchema, readerSchema, specificModel);
        return new Resolution<>(guard, reader, null);
    }
}
