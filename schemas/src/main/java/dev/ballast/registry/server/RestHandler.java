package dev.ballast.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes the Confluent REST subset onto a {@link RegistryStore} and renders answers and errors as Confluent does. */
final class RestHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RestHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final RegistryStore store;

    RestHandler(RegistryStore store) {
        this.store = store;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            Object answer;
            try {
                answer = route(exchange.getRequestMethod(), segments(exchange.getRequestURI().getRawPath()),
                        query(exchange.getRequestURI().getRawQuery()), exchange.getRequestBody());
            } catch (RegistryError error) {
                status = error.httpStatus;
                answer = JSON.createObjectNode().put("error_code", error.errorCode).put("message", error.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Embedded Schema Registry failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                status = 500;
                answer = JSON.createObjectNode().put("error_code", 50001).put("message", "Error in the backend data store");
            }
            byte[] body = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Object route(String method, List<String> path, Map<String, String> query, InputStream body)
            throws IOException {
        if (path.isEmpty()) {
            requireMethod(method, "GET");
            return JSON.createObjectNode();
        }
        return switch (path.get(0)) {
            case "subjects" -> subjects(method, path, query, body);
            case "schemas" -> schemas(method, path);
            case "config" -> config(method, path, query, body);
            case "compatibility" -> compatibility(method, path, query, body);
            default -> throw RegistryError.notFound();
        };
    }

    /** {@code /subjects}, {@code /subjects/{s}}, {@code /subjects/{s}/versions[/{v}]}. */
    private Object subjects(String method, List<String> path, Map<String, String> query, InputStream body)
            throws IOException {
        int size = path.size();
        if (size == 1) {
            requireMethod(method, "GET");
            return store.subjects();
        }
        String subject = path.get(1);
        if (size == 2) {
            return switch (method) {
                case "POST" -> versionJson(store.lookup(subject, schemaText(body)));
                case "DELETE" -> store.deleteSubject(subject, "true".equals(query.get("permanent")));
                default -> throw RegistryError.methodNotAllowed();
            };
        }
        if (size == 3 && path.get(2).equals("versions")) {
            return switch (method) {
                case "GET" -> store.versions(subject);
                case "POST" -> JSON.createObjectNode().put("id", store.register(subject, schemaText(body)).id());
                default -> throw RegistryError.methodNotAllowed();
            };
        }
        if (size == 4 && path.get(2).equals("versions")) {
            requireMethod(method, "GET");
            return versionJson(store.version(subject, path.get(3)));
        }
        throw RegistryError.notFound();
    }

    /** {@code /schemas/ids/{id}}, {@code /schemas/ids/{id}/versions}, {@code /schemas/types}. */
    private Object schemas(String method, List<String> path) {
        int size = path.size();
        if (size == 2 && path.get(1).equals("types")) {
            requireMethod(method, "GET");
            return List.of("AVRO");
        }
        if (size < 3 || size > 4 || !path.get(1).equals("ids") || size == 4 && !path.get(3).equals("versions")) {
            throw RegistryError.notFound();
        }
        requireMethod(method, "GET");
        int id = parseId(path.get(2));
        if (size == 3) {
            return JSON.createObjectNode().put("schema", store.schemaById(id));
        }
        return store.versionsOfId(id).stream()
                .map(version -> JSON.createObjectNode().put("subject", version.subject()).put("version", version.version()))
                .toList();
    }

    /** {@code /config} and {@code /config/{s}}. */
    private Object config(String method, List<String> path, Map<String, String> query, InputStream body)
            throws IOException {
        if (path.size() > 2) {
            throw RegistryError.notFound();
        }
        String subject = path.size() == 2 ? path.get(1) : null;
        return switch (method) {
            case "GET" -> JSON.createObjectNode().put("compatibilityLevel",
                    configuredLevel(subject, "true".equals(query.get("defaultToGlobal"))).name());
            case "PUT" -> {
                CompatibilityLevel level = CompatibilityLevel.parse(readJson(body).path("compatibility").textValue());
                store.setLevel(subject, level);
                yield JSON.createObjectNode().put("compatibility", level.name());
            }
            default -> throw RegistryError.methodNotAllowed();
        };
    }

    /** {@code /compatibility/subjects/{s}/versions/{v|latest}}. */
    private Object compatibility(String method, List<String> path, Map<String, String> query, InputStream body)
            throws IOException {
        if (path.size() != 5 || !path.get(1).equals("subjects") || !path.get(3).equals("versions")) {
            throw RegistryError.notFound();
        }
        requireMethod(method, "POST");
        List<String> problems = store.checkCompatibility(path.get(2), path.get(4), schemaText(body));
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if ("true".equals(query.get("verbose"))) {
            ArrayNode messages = answer.putArray("messages");
            problems.forEach(messages::add);
        }
        return answer;
    }

    private CompatibilityLevel configuredLevel(String subject, boolean defaultToGlobal) {
        if (subject == null) {
            return store.globalLevel();
        }
        return store.subjectLevel(subject).orElseGet(() -> {
            if (defaultToGlobal) {
                return store.globalLevel();
            }
            throw RegistryError.subjectCompatibilityNotConfigured(subject);
        });
    }

    private static ObjectNode versionJson(RegistryStore.Version version) {
        return JSON.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.schema());
    }

    private static void requireMethod(String method, String expected) {
        if (!expected.equals(method)) {
            throw RegistryError.methodNotAllowed();
        }
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw RegistryError.notFound();
        }
    }

    private static String schemaText(InputStream body) throws IOException {
        JsonNode request = readJson(body);
        String schemaType = request.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(schemaType)) {
            throw RegistryError.invalidSchema("schema type " + schemaType + " is not supported, only AVRO");
        }
        if (!request.path("references").isMissingNode() && !request.path("references").isEmpty()) {
            throw RegistryError.invalidSchema("schema references are not supported");
        }
        JsonNode schema = request.path("schema");
        if (!schema.isTextual()) {
            throw RegistryError.invalidSchema("empty schema");
        }
        return schema.textValue();
    }

    private static JsonNode readJson(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_REQUEST_BYTES + 1);
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw RegistryError.unprocessable("Request body larger than " + MAX_REQUEST_BYTES + " bytes");
        }
        try {
            JsonNode request = JSON.readTree(bytes);
            if (request == null || !request.isObject()) {
                throw RegistryError.unprocessable("Request body must be a JSON object");
            }
            return request;
        } catch (JsonProcessingException e) {
            throw RegistryError.badRequest("Request body is not valid JSON");
        }
    }

    private static List<String> segments(String rawPath) {
        return Arrays.stream(rawPath.split("/"))
                .filter(segment -> !segment.isEmpty())
                .map(RestHandler::decode)
                .toList();
    }

    private static Map<String, String> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(rawQuery.split("&"))
                .map(parameter -> parameter.split("=", 2))
                .collect(Collectors.toMap(pair -> decode(pair[0]), pair -> pair.length > 1 ? decode(pair[1]) : "",
                        (first, second) -> second));
    }

    private static String decode(String component) {
        return URLDecoder.decode(component.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
