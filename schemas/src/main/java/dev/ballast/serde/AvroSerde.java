package dev.ballast.serde;

import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link Serde} of Avro records in the Confluent wire format: an {@link AvroSerializer} and an
 * {@link AvroDeserializer} sharing one registry client. {@link AvroSerdes} builds configured ones.
 *
 * @param <T> a generated {@link org.apache.avro.specific.SpecificRecord} class, or
 *     {@link org.apache.avro.generic.GenericRecord}
 */
public final class AvroSerde<T extends IndexedRecord> implements Serde<T> {

    private final Class<T> type;
    private AvroSerializer<T> serializer;
    private AvroDeserializer<T> deserializer;

    /** An unconfigured serde for {@code type}; {@link #configure(Map, boolean)} must be called before use. */
    public AvroSerde(Class<T> type) {
        this.type = type;
    }

    /** A ready serde for {@code type} using {@code client}, which may be shared with other serdes. */
    public AvroSerde(Class<T> type, SchemaRegistryClient client, SerdeConfig config, boolean isKey) {
        this.type = type;
        init(client, config, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = new SerdeConfig(configs);
        init(new RestSchemaRegistryClient(config.registryClientConfig()), config, isKey);
    }

    private void init(SchemaRegistryClient client, SerdeConfig config, boolean isKey) {
        this.serializer = new AvroSerializer<>(client, config, isKey);
        this.deserializer = new AvroDeserializer<>(type, client, config);
    }

    @Override
    public Serializer<T> serializer() {
        requireConfigured();
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        requireConfigured();
        return deserializer;
    }

    private void requireConfigured() {
        if (serializer == null) {
            throw new IllegalStateException("AvroSerde for " + type.getName()
                    + " is not configured: call configure() or build it with AvroSerdes");
        }
    }
}
