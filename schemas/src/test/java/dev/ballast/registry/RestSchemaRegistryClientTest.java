package dev.ballast.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RestSchemaRegistryClientTest {

    private static final Schema SCHEMA = SchemaBuilder.record("Ping").fields().requiredInt("n").endRecord();
    private static final String SECRET = "s3cr3t-Passw0rd";

    private record Answer(int status, String body) { }

    private HttpServer server;
    private final Queue<Answer> script = new ArrayDeque<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void startScriptedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void stopScriptedServer() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        server.stop(0);
    }

    private synchronized void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Answer answer = script.isEmpty() ? new Answer(500, "{\"error_code\":50001,\"message\":\"unscripted\"}") : script.poll();
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private RestSchemaRegistryClient client(RegistryClientConfig config) {
        return new RestSchemaRegistryClient(config.withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @Test
    void shouldRetryServerErrorsThenSucceed() {
        script.add(new Answer(503, "{\"error_code\":50003,\"message\":\"leader election\"}"));
        script.add(new Answer(500, "not json"));
        script.add(new Answer(200, "{\"id\":7}"));

        int id = client(RegistryClientConfig.forUrls(url()).withMaxRetries(2)).register("ping-value", SCHEMA);

        assertEquals(7, id);
        assertEquals(3, authorizations.size());
    }

    @Test
    void shouldGiveUpAfterTheConfiguredRetriesWithTheLastStatus() {
        for (int i = 0; i < 3; i++) {
            script.add(new Answer(503, "{\"error_code\":50003,\"message\":\"leader election\"}"));
        }

        SchemaRegistryException error = assertThrows(SchemaRegistryException.class,
                () -> client(RegistryClientConfig.forUrls(url()).withMaxRetries(2)).schemaById(1));

        assertEquals(503, error.httpStatus());
        assertEquals(50003, error.errorCode());
        assertEquals(3, authorizations.size());
    }

    @Test
    void shouldFailAtOnceWithTheErrorCodeOnClientErrors() {
        script.add(new Answer(404, "{\"error_code\":40403,\"message\":\"Schema 12 not found\"}"));

        SchemaRegistryException error = assertThrows(SchemaRegistryException.class,
                () -> client(RegistryClientConfig.forUrls(url()).withMaxRetries(3)).schemaById(12));

        assertEquals(404, error.httpStatus());
        assertEquals(40403, error.errorCode());
        assertTrue(error.getMessage().contains("Schema 12 not found"), error.getMessage());
        assertEquals(1, authorizations.size());
    }

    @Test
    void shouldCacheSchemasByIdAndIdsBySchema() {
        script.add(new Answer(200, "{\"schema\":" + quoted(SCHEMA.toString()) + "}"));
        script.add(new Answer(200, "{\"id\":3}"));
        RestSchemaRegistryClient client = client(RegistryClientConfig.forUrls(url()));

        assertEquals(SCHEMA, client.schemaById(3));
        assertEquals(SCHEMA, client.schemaById(3));
        assertEquals(3, client.register("ping-value", SCHEMA));
        assertEquals(3, client.register("ping-value", SCHEMA));
        assertEquals(3, client.idOf("ping-value", SCHEMA));

        assertEquals(2, authorizations.size());
    }

    @Test
    void shouldShareIdsAndSchemasWithEveryClientOfTheSameRegistry() {
        script.add(new Answer(200, "{\"id\":5}"));
        client(RegistryClientConfig.forUrls(url())).register("ping-value", SCHEMA);

        RestSchemaRegistryClient another = client(RegistryClientConfig.forUrls(url() + "/").withMaxRetries(0));

        assertEquals(5, another.register("ping-value", SCHEMA));
        assertEquals(5, another.idOf("ping-value", SCHEMA));
        assertEquals(SCHEMA, another.schemaById(5));
        assertEquals(1, authorizations.size(), "only the first client asked the registry");
    }

    @Test
    void shouldAskAgainForAnotherSetOfUrlsOrAnotherUser() throws IOException {
        script.add(new Answer(200, "{\"id\":5}"));
        script.add(new Answer(200, "{\"id\":6}"));
        script.add(new Answer(200, "{\"id\":7}"));
        client(RegistryClientConfig.forUrls(url())).register("ping-value", SCHEMA);

        int otherUrls = client(RegistryClientConfig.forUrls(url() + "," + unreachableUrl()))
                .register("ping-value", SCHEMA);
        int otherUser = client(RegistryClientConfig.forUrls(url()).withBasicAuth("reader:" + SECRET))
                .register("ping-value", SCHEMA);

        assertEquals(6, otherUrls);
        assertEquals(7, otherUser);
        assertEquals(3, authorizations.size());
    }

    @Test
    void shouldPinTheFirstLatestVersionForEveryClientWhileLatestAsksEachTime() {
        script.add(new Answer(200, latestAnswer(1, 3)));
        script.add(new Answer(200, latestAnswer(2, 4)));
        RegisteredSchema pinned = client(RegistryClientConfig.forUrls(url())).pinnedLatest("ping-value");
        RestSchemaRegistryClient another = client(RegistryClientConfig.forUrls(url()));

        assertEquals(pinned, another.pinnedLatest("ping-value"));
        assertEquals(1, authorizations.size());
        assertEquals(4, another.latest("ping-value").id());
        assertEquals(3, another.pinnedLatest("ping-value").id());
        assertEquals(2, authorizations.size());
    }

    @Test
    void shouldReportAnUnreachableRegistryInOneLine() throws IOException {
        String unreachable = unreachableUrl();

        SchemaRegistryException error = assertThrows(SchemaRegistryException.class,
                () -> client(RegistryClientConfig.forUrls(unreachable).withMaxRetries(1)).schemaById(1));

        assertEquals("Schema Registry at " + unreachable + " is not reachable (connection refused)", error.getMessage());
        assertTrue(error.isUnreachable());
    }

    @Test
    void shouldMoveToTheNextUrlWhenOneIsUnreachable() throws IOException {
        script.add(new Answer(200, "{\"id\":5}"));

        int id = client(RegistryClientConfig.forUrls(unreachableUrl() + "," + url()).withMaxRetries(1))
                .idOf("ping-value", SCHEMA);

        assertEquals(5, id);
    }

    @Test
    void shouldSendBasicAuthAndNeverRevealTheSecret() {
        for (int i = 0; i < 3; i++) {
            script.add(new Answer(503, "{\"error_code\":50003,\"message\":\"busy\"}"));
        }
        script.add(new Answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"));
        RegistryClientConfig config = RegistryClientConfig.forUrls(url()).withBasicAuth("ballast:" + SECRET).withMaxRetries(3);

        SchemaRegistryException error = assertThrows(SchemaRegistryException.class, () -> client(config).schemaById(1));

        String expectedHeader = "Basic " + Base64.getEncoder().encodeToString(("ballast:" + SECRET).getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(expectedHeader, expectedHeader, expectedHeader, expectedHeader), authorizations);
        assertEquals(401, error.errorCode());
        assertFalse(error.getMessage().contains(SECRET));
        assertFalse(config.toString().contains(SECRET));
        assertFalse(logs.list.isEmpty(), "retries are logged");
        for (ILoggingEvent event : logs.list) {
            assertFalse(event.getFormattedMessage().contains(SECRET), event.getFormattedMessage());
            assertFalse(event.getFormattedMessage().contains(expectedHeader.substring(6)), event.getFormattedMessage());
        }
    }

    /** The URL of a port nothing listens on. */
    private static String unreachableUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static String latestAnswer(int version, int id) {
        return "{\"subject\":\"ping-value\",\"version\":" + version + ",\"id\":" + id + ",\"schema\":"
                + quoted(SCHEMA.toString()) + "}";
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
