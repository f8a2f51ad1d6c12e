package dev.ballast.deploy;

import static dev.ballast.deploy.DeploymentFiles.DOCKER;
import static dev.ballast.deploy.DeploymentFiles.ROOT;
import static dev.ballast.deploy.DeploymentFiles.composeServices;
import static dev.ballast.deploy.DeploymentFiles.host;
import static dev.ballast.deploy.DeploymentFiles.port;
import static dev.ballast.deploy.DeploymentFiles.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/compose.yaml} cannot be run here (no Docker), so what can go wrong without running it is checked:
 * pinned images, files that exist, and addresses that agree between services.
 */
class ComposeFileTest {

    private static final List<String> BALLAST_SERVICES = List.of("ballast", "producer");

    private final JsonNode services = composeServices();

    @Test
    void shouldPinEveryImageToAVersionTag() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertTrue(names.containsAll(List.of("kafka", "schema-registry", "ballast", "producer", "prometheus", "grafana")), names.toString());
        for (String name : names) {
            String image = services.path(name).path("image").asText();
            assertTrue(DeploymentFiles.isPinned(image), name + " image '" + image + "' has no version tag");
        }
        assertTrue(services.path("kafka").path("image").asText().startsWith("apache/kafka:"));
        assertTrue(services.path("schema-registry").path("image").asText().startsWith("confluentinc/cp-schema-registry:"));
    }

    @Test
    void shouldBuildTheBallastServicesFromTheRepositoryDockerfile() {
        for (String name : BALLAST_SERVICES) {
            JsonNode build = services.path(name).path("build");
            Path context = DOCKER.resolve(build.path("context").asText()).normalize();
            assertEquals(ROOT, context, name + " builds from the repository root");
            assertEquals(DOCKER.resolve("Dockerfile"), context.resolve(build.path("dockerfile").asText()).normalize());
            assertEquals(services.path("ballast").path("image"), services.path(name).path("image"),
                    "one image for every Ballast service");
        }
    }

    @Test
    void shouldMountOnlyFilesThatExistInTheRepository() {
        List<String> mounts = new ArrayList<>();
        services.forEach(service -> service.path("volumes").forEach(volume -> mounts.add(volume.asText())));
        assertFalse(mounts.isEmpty());
        for (String mount : mounts) {
            String source = mount.substring(0, mount.indexOf(':'));
            assertTrue(source.startsWith("./"), "bind mounts are relative to docker/: " + mount);
            assertTrue(Files.exists(DOCKER.resolve(source)), "missing " + source + " of " + mount);
        }
    }

    @Test
    void shouldRunBallastWithAConfigFileThatTheImageCopiesFromTheRepository() {
        String imageConfigDir = DeploymentFiles.runtimeStage().stream()
                .filter(instruction -> instruction.keyword().equals("COPY") && instruction.arguments().startsWith("config/ "))
                .map(instruction -> instruction.arguments().substring("config/ ".length()).strip())
                .findFirst().orElseThrow(() -> new AssertionError("the image does not copy config/"));
        for (String name : BALLAST_SERVICES) {
            String configFile = DeploymentFiles.optionValue(services.path(name), "--config");
            assertTrue(configFile.startsWith(imageConfigDir), configFile + " is not under " + imageConfigDir);
            assertTrue(Files.isRegularFile(ROOT.resolve("config").resolve(configFile.substring(imageConfigDir.length()))),
                    configFile + " has no source in config/");
        }
    }

    @Test
    void shouldPointTheBallastServicesAtTheKafkaAndRegistryOfThisFile() {
        JsonNode kafka = services.path("kafka").path("environment");
        Set<String> advertised = Arrays.stream(kafka.path("KAFKA_ADVERTISED_LISTENERS").asText().split(","))
                .map(listener -> listener.substring(listener.indexOf("://") + 3))
                .collect(Collectors.toSet());
        JsonNode registry = services.path("schema-registry").path("environment");
        int registryPort = port(registry.path("SCHEMA_REGISTRY_LISTENERS").asText());
        String registryStore = registry.path("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS").asText();
        assertTrue(advertised.contains(registryStore.substring(registryStore.indexOf("://") + 3)), registryStore);

        for (String name : BALLAST_SERVICES) {
            Map<String, String> settings = settings(services.path(name));
            String bootstrap = settings.get("bootstrap.servers");
            assertEquals("kafka", host(bootstrap), name);
            assertTrue(advertised.contains(bootstrap), name + ": " + bootstrap + " is not one of " + advertised);
            String registryUrl = settings.get("schema.registry.url");
            assertEquals("schema-registry", host(registryUrl), name);
            assertEquals(registryPort, port(registryUrl), name);
        }
        for (String port : texts(services.path("kafka").path("ports"))) {
            String hostPort = port.substring(0, port.indexOf(':'));
            assertTrue(advertised.contains("localhost:" + hostPort), "host port " + port + " is advertised as localhost");
        }
    }

    @Test
    void shouldScrapeBallastOnItsDashboardPort() {
        String dashboardPort = settings(services.path("ballast")).get("ballast.dashboard.port");
        JsonNode scrape = DeploymentFiles.yaml(DOCKER.resolve("prometheus/prometheus.yml")).path("scrape_configs");
        List<String> targets = new ArrayList<>();
        scrape.forEach(job -> job.path("static_configs").forEach(config -> targets.addAll(texts(config.path("targets")))));
        assertEquals(List.of("ballast:" + dashboardPort), targets);
        assertEquals("/metrics", scrape.path(0).path("metrics_path").asText());
        assertTrue(texts(services.path("ballast").path("ports")).contains(dashboardPort + ":" + dashboardPort));
        assertEquals("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                services.path("prometheus").path("volumes").path(0).asText());
    }

    @Test
    void shouldProvisionGrafanaWithThePrometheusServiceAndTheDashboardsFolder() {
        Map<String, String> grafanaMounts = texts(services.path("grafana").path("volumes")).stream()
                .collect(Collectors.toMap(mount -> mount.split(":")[0], mount -> mount.split(":")[1]));
        Path provisioning = DOCKER.resolve("grafana/provisioning");
        assertEquals("/etc/grafana/provisioning", grafanaMounts.get("./grafana/provisioning"));

        JsonNode datasource = DeploymentFiles.yaml(provisioning.resolve("datasources/prometheus.yaml")).path("datasources").path(0);
        assertEquals("prometheus", datasource.path("type").asText());
        String url = datasource.path("url").asText();
        assertTrue(services.has(host(url)), url + " names no service");
        assertTrue(texts(services.path(host(url)).path("ports")).contains(port(url) + ":" + port(url)), url);

        JsonNode provider = DeploymentFiles.yaml(provisioning.resolve("dashboards/ballast.yaml")).path("providers").path(0);
        assertEquals("file", provider.path("type").asText());
        assertEquals(grafanaMounts.get("./grafana/dashboards"), provider.path("options").path("path").asText());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
