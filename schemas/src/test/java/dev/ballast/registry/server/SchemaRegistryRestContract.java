package dev.ballast.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The Confluent Schema Registry REST behaviour Ballast relies on, written against HTTP and JSON only, so the same
 * suite runs against the embedded registry and against Confluent's own. Every test uses fresh subjects.
 */
abstract class SchemaRegistryRestContract {

    private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static final String V1 = record("{\"name\": \"a\", \"type\": \"int\"}");
    private static final String V2_WITH_DEFAULT = record(
            "{\"name\": \"a\", \"type\": \"int\"}, {\"name\": \"b\", \"type\": \"string\", \"default\": \"\"}");
    private static final String V2_WITHOUT_DEFAULT = record(
            "{\"name\": \"a\", \"type\": \"int\"}, {\"name\": \"b\", \"type\": \"string\"}");
    private static final String EMPTY = record("");
    private static final String A_AS_STRING = record("{\"name\": \"a\", \"type\": \"string\", \"default\": \"\"}");

    private final String prefix = "contract-" + UUID.randomUUID() + "-";

    /** Base URL of the registry under test. */
    protected abstract String registryUrl();

    record Answer(int status, JsonNode body, String contentType) {
        int errorCode() {
            return body.path("error_code").asInt();
        }
    }

    @Test
    void shouldReturnTheSameIdWhenTheSameSchemaIsRegisteredAgain() {
        String subject = subject("again");
        int first = register(subject, V1);

        assertEquals(first, register(subject, V1));
        assertEquals(List.of(1), versions(subject));
    }

    @Test
    void shouldShareOneGlobalIdForTheSameSchemaUnderTwoSubjects() {
        int first = register(subject("one"), V1);
        int second = register(subject("two"), V1);
        int other = register(subject("three"), V2_WITH_DEFAULT);

        assertEquals(first, second);
        assertNotEquals(first, other);
    }

    @Test
    void shouldLookUpASchemaUnderItsSubject() {
        String subject = subject("lookup");
        int id = register(subject, V1);

        Answer found = call("POST", "/subjects/" + encode(subject), schemaBody(V1));

        assertEquals(200, found.status());
        assertEquals(subject, found.body().path("subject").asText());
        assertEquals(1, found.body().path("version").asInt());
        assertEquals(id, found.body().path("id").asInt());
        assertEquals(parse(V1), parse(found.body().path("schema").asText()));
    }

    @Test
    void shouldAnswerNotFoundCodesForLookUps() {
        String subject = subject("lookup-missing");
        assertEquals(40401, call("POST", "/subjects/" + encode(subject), schemaBody(V1)).errorCode());

        register(subject, V1);
        Answer missingSchema = call("POST", "/subjects/" + encode(subject), schemaBody(V2_WITH_DEFAULT));

        assertEquals(404, missingSchema.status());
        assertEquals(40403, missingSchema.errorCode());
    }

    @Test
    void shouldServeSchemasByIdWithTheirSubjectVersions() {
        String subject = subject("by-id");
        int id = register(subject, V1);

        Answer schema = call("GET", "/schemas/ids/" + id, null);
        Answer versions = call("GET", "/schemas/ids/" + id + "/versions", null);

        assertEquals(200, schema.status());
        assertTrue(schema.contentType().startsWith(MEDIA_TYPE), schema.contentType());
        assertEquals(parse(V1), parse(schema.body().path("schema").asText()));
        List<String> subjectVersions = new ArrayList<>();
        versions.body().forEach(entry -> subjectVersions.add(entry.path("subject").asText() + "@" + entry.path("version").asInt()));
        assertTrue(subjectVersions.contains(subject + "@1"), subjectVersions.toString());
    }

    @Test
    void shouldAnswer40403ForAnUnknownId() {
        Answer missing = call("GET", "/schemas/ids/2000000000", null);

        assertEquals(404, missing.status());
        assertEquals(40403, missing.errorCode());
    }

    @Test
    void shouldListSubjectsAndTheirVersions() {
        String subject = subject("list");
        register(subject, V1);
        register(subject, V2_WITH_DEFAULT);

        Answer subjects = call("GET", "/subjects", null);

        assertTrue(subjects.body().toString().contains("\"" + subject + "\""));
        assertEquals(List.of(1, 2), versions(subject));
    }

    @Test
    void shouldServeNumberedAndLatestVersions() {
        String subject = subject("versions");
        register(subject, V1);
        int latestId = register(subject, V2_WITH_DEFAULT);

        Answer first = call("GET", "/subjects/" + encode(subject) + "/versions/1", null);
        Answer latest = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);

        assertEquals(parse(V1), parse(first.body().path("schema").asText()));
        assertEquals(2, latest.body().path("version").asInt());
        assertEquals(latestId, latest.body().path("id").asInt());
        assertEquals(subject, latest.body().path("subject").asText());
    }

    @Test
    void shouldAnswerErrorCodesForMissingAndInvalidVersions() {
        String subject = subject("bad-versions");
        assertEquals(40401, call("GET", "/subjects/" + encode(subject) + "/versions/latest", null).errorCode());
        assertEquals(40401, call("GET", "/subjects/" + encode(subject) + "/versions", null).errorCode());
        register(subject, V1);

        Answer missing = call("GET", "/subjects/" + encode(subject) + "/versions/9", null);
        Answer invalid = call("GET", "/subjects/" + encode(subject) + "/versions/zero", null);

        assertEquals(404, missing.status());
        assertEquals(40402, missing.errorCode());
        assertEquals(422, invalid.status());
        assertEquals(42202, invalid.errorCode());
    }

    @Test
    void shouldRejectAnIncompatibleSchemaWith409() {
        String subject = subject("incompatible");
        setCompatibility(subject, "BACKWARD");
        register(subject, V1);

        Answer refused = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(V2_WITHOUT_DEFAULT));

        assertEquals(409, refused.status());
        assertEquals(409, refused.errorCode());
        assertEquals(List.of(1), versions(subject));
    }

    @Test
    void shouldCheckOnlyTheLatestVersionUnlessTransitive() {
        String plain = subject("plain");
        String transitive = subject("transitive");
        setCompatibility(plain, "BACKWARD");
        setCompatibility(transitive, "BACKWARD_TRANSITIVE");
        for (String subject : List.of(plain, transitive)) {
            register(subject, V1);
            register(subject, EMPTY);
        }

        Answer plainAnswer = call("POST", "/subjects/" + encode(plain) + "/versions", schemaBody(A_AS_STRING));
        Answer transitiveAnswer = call("POST", "/subjects/" + encode(transitive) + "/versions", schemaBody(A_AS_STRING));

        assertEquals(200, plainAnswer.status());
        assertEquals(409, transitiveAnswer.status());
    }

    @Test
    void shouldAllowAnyChangeUnderNone() {
        String subject = subject("none");
        setCompatibility(subject, "NONE");
        register(subject, V1);

        assertEquals(200, call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(V2_WITHOUT_DEFAULT)).status());
    }

    @Test
    void shouldEnforceForwardAndFull() {
        String forward = subject("forward");
        String full = subject("full");
        setCompatibility(forward, "FORWARD");
        setCompatibility(full, "FULL");
        register(forward, V2_WITH_DEFAULT);
        register(full, V1);

        assertEquals(200, call("POST", "/subjects/" + encode(forward) + "/versions", schemaBody(V1)).status());
        assertEquals(409, call("POST", "/subjects/" + encode(full) + "/versions", schemaBody(V2_WITHOUT_DEFAULT)).status());
        assertEquals(200, call("POST", "/subjects/" + encode(full) + "/versions", schemaBody(V2_WITH_DEFAULT)).status());
    }

    @Test
    void shouldRejectAnInvalidSchemaWith42201() {
        Answer refused = call("POST", "/subjects/" + encode(subject("invalid")) + "/versions",
                schemaBody("{\"type\": \"record\", \"name\": \"Broken\", \"fields\": [{\"name\": \"x\", \"type\": \"nosuchtype\"}]}"));

        assertEquals(422, refused.status());
        assertEquals(42201, refused.errorCode());
    }

    @Test
    void shouldReadAndWriteSubjectCompatibility() {
        String subject = subject("config");
        assertEquals(40408, call("GET", "/config/" + encode(subject), null).errorCode());
        String global = call("GET", "/config", null).body().path("compatibilityLevel").asText();
        assertEquals(global, call("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null)
                .body().path("compatibilityLevel").asText());

        Answer set = call("PUT", "/config/" + encode(subject), "{\"compatibility\": \"FULL_TRANSITIVE\"}");

        assertEquals("FULL_TRANSITIVE", set.body().path("compatibility").asText());
        assertEquals("FULL_TRANSITIVE", call("GET", "/config/" + encode(subject), null).body().path("compatibilityLevel").asText());
    }

    @Test
    void shouldRejectAnUnknownCompatibilityLevelWith42203() {
        Answer refused = call("PUT", "/config/" + encode(subject("bad-level")), "{\"compatibility\": \"SOMETIMES\"}");

        assertEquals(422, refused.status());
        assertEquals(42203, refused.errorCode());
    }

    @Test
    void shouldAcceptTheGlobalLevelPutBack() {
        String global = call("GET", "/config", null).body().path("compatibilityLevel").asText();

        Answer set = call("PUT", "/config", "{\"compatibility\": \"" + global + "\"}");

        assertEquals(200, set.status());
        assertEquals(global, set.body().path("compatibility").asText());
    }

    @Test
    void shouldTestCompatibilityWithoutRegistering() {
        String subject = subject("compat");
        setCompatibility(subject, "BACKWARD");
        register(subject, V1);
        String path = "/compatibility/subjects/" + encode(subject) + "/versions/";

        assertTrue(call("POST", path + "latest", schemaBody(V2_WITH_DEFAULT)).body().path("is_compatible").asBoolean());
        assertFalse(call("POST", path + "1", schemaBody(V2_WITHOUT_DEFAULT)).body().path("is_compatible").asBoolean());
        assertEquals(40402, call("POST", path + "7", schemaBody(V1)).errorCode());
        assertEquals(List.of(1), versions(subject));
    }

    @Test
    void shouldTreatAnUnknownSubjectAsCompatibleWithLatest() {
        Answer answer = call("POST", "/compatibility/subjects/" + encode(subject("fresh")) + "/versions/latest", schemaBody(V1));

        assertTrue(answer.body().path("is_compatible").asBoolean());
    }

    @Test
    void shouldSoftThenPermanentlyDeleteASubject() {
        String subject = subject("delete");
        register(subject, V1);
        register(subject, V2_WITH_DEFAULT);

        Answer soft = call("DELETE", "/subjects/" + encode(subject), null);

        assertEquals("[1,2]", soft.body().toString());
        assertEquals(40401, call("GET", "/subjects/" + encode(subject) + "/versions", null).errorCode());
        assertFalse(call("GET", "/subjects", null).body().toString().contains("\"" + subject + "\""));
        assertEquals("[1,2]", call("DELETE", "/subjects/" + encode(subject) + "?permanent=true", null).body().toString());
        assertEquals(40401, call("DELETE", "/subjects/" + encode(subject), null).errorCode());
    }

    @Test
    void shouldAnswerUnknownPathsWith404() {
        Answer missing = call("GET", "/no-such-resource", null);

        assertEquals(404, missing.status());
        assertEquals(404, missing.errorCode());
    }

    @Test
    void shouldAcceptPlainJsonRequests() throws Exception {
        String subject = subject("plain-json");
        HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl() + "/subjects/" + encode(subject) + "/versions"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(schemaBody(V1)))
                .build();

        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertTrue(JSON.readTree(response.body()).path("id").asInt() > 0);
    }

    private String subject(String name) {
        return prefix + name;
    }

    private int register(String subject, String schema) {
        Answer answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        assertEquals(200, answer.status(), answer.body().toString());
        return answer.body().path("id").asInt();
    }

    private List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + encode(subject) + "/versions", null).body().forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    private void setCompatibility(String subject, String level) {
        assertEquals(200, call("PUT", "/config/" + encode(subject), "{\"compatibility\": \"" + level + "\"}").status());
    }

    private Answer call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registryUrl() + path))
                .header("Accept", MEDIA_TYPE)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", MEDIA_TYPE);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), JSON.readTree(response.body()),
                    response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    private static String record(String fields) {
        return "{\"type\": \"record\", \"name\": \"Contract\", \"namespace\": \"test\", \"fields\": [" + fields + "]}";
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }
}
