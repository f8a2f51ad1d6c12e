package dev.ballast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.TestApps;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The whole app on the images of {@code docker/compose.yaml}: Apache Kafka (KRaft) and Confluent Schema Registry.
 * Ballast speaks the registry's REST API with its own client; this is where that is checked against the real thing.
 * Skipped where Docker is absent.
 */
@Tag("broker")
@Testcontainers(disabledWithoutDocker = true)
class ConfluentPlatformTest {

    private static final String KAFKA_IN_NETWORK = "kafka:19092";
    private static final int REGISTRY_PORT = 8081;
    private static final int EVENTS = 600;
    private static final int BAD_RECORDS = 6;

    private static final Network NETWORK = Network.newNetwork();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(composeImage("kafka"))
            .withNetwork(NETWORK)
            .withListener(KAFKA_IN_NETWORK);

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>(composeImage("schema-registry"))
            .withNetwork(NETWORK)
            .withExposedPorts(REGISTRY_PORT)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:" + REGISTRY_PORT)
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://" + KAFKA_IN_NETWORK)
            .dependsOn(KAFKA)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)));

    @TempDir
    Path work;

    @Test
    void shouldTrainEveryValidEventAndRegisterItsSchemasOnConfluentSchemaRegistry() throws Exception {
        String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(REGISTRY_PORT);
        Map<String, String> settings = TestApps.settings(KAFKA.getBootstrapServers(), registryUrl,
                KafkaTestClient.uniqueName("confluent"), 3);
        settings.put("state.dir", work.toString());
        BallastConfig config = new BallastConfig(settings);
        Map<String, Object> client = config.nonBallastProperties();

        EventPublisher.Sent sent;
        try (BallastApp app = BallastApp.start(config);
             EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                     config.getString(BallastConfig.EVENTS_TOPIC));
             DriftingStream stream = new DriftingStream(DriftingStreamSpec.demo(), EVENTS)) {
            sent = publisher.publish(stream, config.getList(BallastConfig.MODEL_LABELS), "default", EVENTS, BAD_RECORDS, 0, 1);
            ModelUpdates.await(config, latest -> latest.containsKey("default")
                    && latest.get("default").getEventsTrained() >= EVENTS, Duration.ofSeconds(120));
        }
        assertEquals(EVENTS, sent.valid());
        ModelSnapshot last = ModelUpdates.latest(config).get("default");
        assertEquals(EVENTS, last.getEventsTrained(), "every valid event trained exactly once");

        Set<String> subjects = subjects(registryUrl);
        for (String topic : List.of(BallastConfig.EVENTS_TOPIC, BallastConfig.MODEL_UPDATES_TOPIC)) {
            String subject = config.getString(topic) + "-value";
            assertTrue(subjects.contains(subject), subject + " is not among " + subjects);
        }
    }

    private static Set<String> subjects(String registryUrl) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registryUrl + "/subjects")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Set<String> subjects = new HashSet<>();
        new ObjectMapper().readTree(response.body()).forEach(subject -> subjects.add(subject.asText()));
        return subjects;
    }

    private static String composeImage(String service) {
        return DeploymentFiles.composeServices().path(service).path("image").asText();
    }
}
