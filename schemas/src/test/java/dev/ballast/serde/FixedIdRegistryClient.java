package dev.ballast.serde;

import dev.ballast.registry.RegisteredSchema;
import dev.ballast.registry.SchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryException;
import org.apache.avro.Schema;

/** A registry holding one schema under a chosen id, so tests can pin the exact header bytes. */
final class FixedIdRegistryClient implements SchemaRegistryClient {

    private final int id;
    private final Schema schema;

    FixedIdRegistryClient(int id, Schema schema) {
        this.id = id;
        this.schema = schema;
    }

    @Override
    public int register(String subject, Schema candidate) {
        return idOf(subject, candidate);
    }

    @Override
    public int idOf(String subject, Schema candidate) {
        if (!schema.equals(candidate)) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
        }
        return id;
    }

    @Override
    public Schema schemaById(int wanted) {
        if (wanted != id) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + wanted + " not found");
        }
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return new RegisteredSchema(subject, 1, id, schema);
    }

    @Override
    public RegisteredSchema pinnedLatest(String subject) {
        return latest(subject);
    }
}
