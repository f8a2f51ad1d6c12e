package dev.ballast.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.registry.RegistryClientConfig;
import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSchemaRegistryTest {

    @TempDir
    Path dataDir;

    private static Schema schema(int fieldCount) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("Versioned").namespace("test").fields();
        for (int i = 0; i < fieldCount; i++) {
            fields = fields.name("f" + i).type().intType().intDefault(i);
        }
        return fields.endRecord();
    }

    private static SchemaRegistryClient client(EmbeddedSchemaRegistry registry) {
        return new RestSchemaRegistryClient(RegistryClientConfig.forUrls(registry.url()).withMaxRetries(0));
    }

    @Test
    void shouldKeepSchemasIdsAndConfigAcrossARestartWithADataDirectory() {
        int firstId;
        int secondId;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(null, 0, dataDir)) {
            SchemaRegistryClient client = client(registry);
            firstId = client.register("events-value", schema(1));
            secondId = client.register("events-value", schema(2));
            client.register("gone-value", schema(3));
            assertEquals(200, Http.put(registry.url() + "/config/events-value", "{\"compatibility\":\"FULL\"}"));
            assertEquals(200, Http.delete(registry.url() + "/subjects/gone-value"));
        }

        try (EmbeddedSchemaRegistry restarted = EmbeddedSchemaRegistry.start(null, 0, dataDir)) {
            SchemaRegistryClient client = client(restarted);
            assertEquals(schema(1), client.schemaById(firstId));
            assertEquals(secondId, client.latest("events-value").id());
            assertEquals(2, client.latest("events-value").version());
            assertEquals(secondId + 2, client.register("other-value", schema(4)), "ids continue after the last one");
            assertTrue(Http.get(restarted.url() + "/config/events-value").contains("FULL"));
            SchemaRegistryException gone = assertThrows(SchemaRegistryException.class, () -> client.latest("gone-value"));
            assertEquals(40401, gone.errorCode());
        }
    }

    @Test
    void shouldDropATornLastJournalLineLeftByACrash() throws IOException {
        int id;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(null, 0, dataDir)) {
            id = client(registry).register("events-value", schema(1));
        }
        try (Stream<Path> files = Files.list(dataDir)) {
            Path journal = files.findFirst().orElseThrow();
            Files.writeString(journal, "{\"type\":\"SCHEMA\",\"subj", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }

        try (EmbeddedSchemaRegistry restarted = EmbeddedSchemaRegistry.start(null, 0, dataDir)) {
            SchemaRegistryClient client = client(restarted);
            assertEquals(schema(1), client.schemaById(id));
            assertEquals(id + 1, client.register("events-value", schema(2)));
        }
        try (EmbeddedSchemaRegistry again = EmbeddedSchemaRegistry.start(null, 0, dataDir)) {
            assertEquals(2, client(again).latest("events-value").version());
        }
    }

    @Test
    void shouldBindTheLoopbackAddressByDefaultOnAFreePort() throws IOException {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(null, 0, null)) {
            assertTrue(registry.port() > 0);
            assertEquals("http://127.0.0.1:" + registry.port(), registry.url());
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), registry.port())) {
                assertTrue(socket.isConnected());
            }
        }
    }

    @Test
    void shouldFailClearlyWhenThePortIsTaken() {
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(null, 0, null)) {
            UncheckedIOException error = assertThrows(UncheckedIOException.class,
                    () -> EmbeddedSchemaRegistry.start(null, first.port(), null));

            assertTrue(error.getMessage().contains(String.valueOf(first.port())), error.getMessage());
        }
    }

    @Test
    void shouldRefuseADataDirectoryAlreadyInUse() {
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(null, 0, dataDir)) {
            UncheckedIOException error = assertThrows(UncheckedIOException.class,
                    () -> EmbeddedSchemaRegistry.start(null, 0, dataDir));

            assertTrue(error.getCause().getMessage().contains("in use"), error.getCause().getMessage());
        }
    }

    @Test
    void shouldGiveEveryConcurrentRegistrationOfASchemaTheSameId() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(null, 0, dataDir)) {
            Map<Integer, Integer> idBySchema = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> tasks = new ArrayList<>();
                for (int thread = 0; thread < 8; thread++) {
                    SchemaRegistryClient client = client(registry);
                    tasks.add(pool.submit(() -> {
                        for (int fields = 1; fields <= 10; fields++) {
                            int id = client.register("subject-" + fields, schema(fields));
                            Integer previous = idBySchema.putIfAbsent(fields, id);
                            assertEquals(previous == null ? id : previous, id);
                        }
                    }));
                }
                for (Future<?> task : tasks) {
                    task.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(10, idBySchema.values().stream().distinct().count());
        }
    }
}
