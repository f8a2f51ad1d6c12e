package dev.ballast.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that a serializer and a deserializer need.
 *
 * <p>Implementations are thread-safe and may cache answers: a schema id, once known, never changes its schema.
 * Every method throws {@link SchemaRegistryException} when the registry refuses the request or cannot be reached.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} (a no-op when it is already registered there).
     *
     * @return the schema's global id
     */
    int register(String subject, Schema schema);

    /**
     * Looks up the id of {@code schema} among the versions of {@code subject} without registering it.
     *
     * @return the schema's global id; a {@link SchemaRegistryException} with error code 40401 or 40403 when the
     *     subject or the schema under it does not exist
     */
    int idOf(String subject, Schema schema);

    /** Returns the schema with the global id {@code id}; error code 40403 when there is none. */
    Schema schemaById(int id);

    /** Returns the latest live version of {@code subject}; error code 40401 when the subject does not exist. */
    RegisteredSchema latest(String subject);

    /**
     * Returns {@link #latest} of {@code subject} as first fetched, and the same answer ever after: the schema a
     * serializer with {@code use.latest.version} writes with, fixed so that the writer's schema does not change
     * under a running process, and known without a registry call once fetched.
     */
    RegisteredSchema pinnedLatest(String subject);
}
