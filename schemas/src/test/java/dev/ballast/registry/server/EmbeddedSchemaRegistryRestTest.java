package dev.ballast.registry.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The REST contract against the embedded registry. */
class EmbeddedSchemaRegistryRestTest extends SchemaRegistryRestContract {

    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(null, 0, null);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Override
    protected String registryUrl() {
        return registry.url();
    }
}
