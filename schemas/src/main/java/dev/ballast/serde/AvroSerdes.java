package dev.ballast.serde;

import dev.ballast.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Factory of configured {@link AvroSerde}s. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    /**
     * A serde of the generated class {@code type}, with its own registry client built from {@code config}
     * ({@link SerdeConfig} keys, e.g. {@code schema.registry.url}).
     */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, Map<String, ?> config, boolean isKey) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(config, isKey);
        return serde;
    }

    /** A serde of the generated class {@code type} using {@code client}, which may be shared with other serdes. */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistryClient client,
            SerdeConfig config, boolean isKey) {
        return new AvroSerde<>(type, client, config, isKey);
    }

    /** A serde of generic records in the writer's schema, with its own registry client built from {@code config}. */
    public static Serde<GenericRecord> generic(Map<String, ?> config, boolean isKey) {
        AvroSerde<GenericRecord> serde = new AvroSerde<>(GenericRecord.class);
        serde.configure(config, isKey);
        return serde;
    }

    /** A serde of generic records in the writer's schema using {@code client}. */
    public static Serde<GenericRecord> generic(SchemaRegistryClient client, SerdeConfig config, boolean isKey) {
        return new AvroSerde<>(GenericRecord.class, client, config, isKey);
    }
}
