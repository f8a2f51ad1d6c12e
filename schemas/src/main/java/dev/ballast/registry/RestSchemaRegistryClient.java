package dev.ballast.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, on {@code java.net.http}.
 *
 * <p>Caches schema-by-id, id-by-(subject, schema) and the first answer of {@link #pinnedLatest} for the life of the
 * process, shared by every client of the same registry (the same set of URLs and the same basic-auth user), so
 * known schemas keep working while the registry is down, also in clients created after they became known. Retries
 * with exponential back-off, a bounded number of times, when the registry answers 5xx or cannot be reached, moving
 * on to the next configured URL after a connection failure; a 4xx answer fails at once with the registry's error
 * code. HTTPS uses the JVM's default trust store. Thread-safe.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final String authorization;
    private final SharedSchemaCache cache;

    /** A client for the registry described by {@code config}. */
    public RestSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .build();
        this.authorization = config.basicAuthUserInfo()
                .map(userInfo -> "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
                .orElse(null);
        this.cache = SharedSchemaCache.of(config);
    }

    @Override
    public int register(String subject, Schema schema) {
        return cache.id(subject, schema, () ->
                send("POST", "/subjects/" + encode(subject) + "/versions", schemaRequest(schema)).path("id").asInt());
    }

    @Override
    public int idOf(String subject, Schema schema) {
        return cache.id(subject, schema, () ->
                send("POST", "/subjects/" + encode(subject), schemaRequest(schema)).path("id").asInt());
    }

    @Override
    public Schema schemaById(int id) {
        return cache.schema(id, () -> parse(send("GET", "/schemas/ids/" + id, null).path("schema").asText()));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        int id = answer.path("id").asInt();
        Schema schema = cache.schema(id, () -> parse(answer.path("schema").asText()));
        return new RegisteredSchema(answer.path("subject").asText(subject), answer.path("version").asInt(), id, schema);
    }

    @Override
    public RegisteredSchema pinnedLatest(String subject) {
        return cache.pinnedLatest(subject, () -> latest(subject));
    }

    private static String schemaRequest(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private Schema parse(String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(200, 0,
                    "Schema Registry at " + describeUrls() + " returned a schema that is not valid Avro: " + e.getMessage());
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, String body) {
        int urlIndex = 0;
        long backoffMillis = config.initialBackoff().toMillis();
        for (int attempt = 0; ; attempt++) {
            URI base = config.urls().get(urlIndex);
            String retryReason;
            try {
                HttpResponse<String> response = http.send(request(base, method, path, body),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status < 300) {
                    return JSON.readTree(response.body());
                }
                SchemaRegistryException error = errorAnswer(base, status, response.body());
                if (status < 500 || attempt >= config.maxRetries()) {
                    throw error;
                }
                retryReason = "HTTP " + status;
            } catch (JsonProcessingException e) {
                throw new SchemaRegistryException(200, 0, "Schema Registry at " + base + " answered with invalid JSON");
            } catch (IOException e) {
                urlIndex = (urlIndex + 1) % config.urls().size();
                if (attempt >= config.maxRetries()) {
                    throw new SchemaRegistryException(
                            "Schema Registry at " + describeUrls() + " is not reachable (" + describe(e) + ")", e);
                }
                retryReason = describe(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while calling Schema Registry at " + describeUrls(), e);
            }
            LOG.debug("Schema Registry {} {} failed ({}), retry {} of {} in {} ms",
                    method, path, retryReason, attempt + 1, config.maxRetries(), backoffMillis);
            sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, config.maxBackoff().toMillis());
        }
    }

    private HttpRequest request(URI base, String method, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            builder.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    private static SchemaRegistryException errorAnswer(URI base, int status, String body) {
        int errorCode = status;
        String message = "HTTP " + status;
        try {
            JsonNode error = JSON.readTree(body);
            errorCode = error.path("error_code").asInt(status);
            message = error.path("message").asText(message);
        } catch (JsonProcessingException e) {
            LOG.debug("Schema Registry error body is not JSON", e);
        }
        return new SchemaRegistryException(status, errorCode,
                "Schema Registry at " + base + " answered HTTP " + status + " error " + errorCode + ": " + oneLine(message));
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within the request timeout";
        }
        if (e.getCause() instanceof UnknownHostException || e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof SSLException) {
            return "TLS handshake failed: " + oneLine(String.valueOf(e.getMessage()));
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage());
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private String describeUrls() {
        return config.urls().stream().map(URI::toString).collect(Collectors.joining(", "));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while waiting to retry the Schema Registry", e);
        }
    }
}
