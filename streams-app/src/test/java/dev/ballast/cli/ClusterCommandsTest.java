package dev.ballast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.topology.BallastApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `produce`, `models` and `run`'s topic checks against a real broker, as a user would call them. */
@BrokerTest
class ClusterCommandsTest {

    private static EmbeddedSchemaRegistry registry;

    @TempDir
    Path work;

    @BeforeAll
    static void useSharedRegistry(EmbeddedSchemaRegistry shared) {
        registry = shared;
    }

    private List<String> settings(EmbeddedKafka kafka, String prefix) {
        List<String> args = new ArrayList<>();
        for (String setting : List.of("bootstrap.servers=" + kafka.bootstrapServers(), "schema.registry.url=" + registry.url(),
                "application.id=" + prefix, "state.dir=" + work, "commit.interval.ms=100",
                BallastConfig.EVENTS_TOPIC + "=" + prefix + ".events", BallastConfig.MODEL_UPDATES_TOPIC + "=" + prefix + ".updates",
                BallastConfig.METRICS_TOPIC + "=" + prefix + ".metrics", BallastConfig.ALERTS_TOPIC + "=" + prefix + ".alerts",
                BallastConfig.DEAD_LETTERS_TOPIC + "=" + prefix + ".dead", BallastConfig.LABELS_TOPIC + "=" + prefix + ".labels",
                BallastConfig.PREDICTIONS_TOPIC + "=" + prefix + ".predictions", BallastConfig.TOPIC_PARTITIONS + "=1",
                BallastConfig.SNAPSHOT_INTERVAL_MS + "=200", BallastConfig.BATCH_LINGER_MS + "=100")) {
            args.add("--set");
            args.add(setting);
        }
        return args;
    }

    private static BallastConfig config(List<String> args) {
        List<String> sets = new ArrayList<>();
        for (int i = 1; i < args.size(); i += 2) {
            sets.add(args.get(i));
        }
        return new BallastConfig(dev.ballast.config.ConfigLoader.load(null, Map.of(), sets));
    }

    private static String stdout(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, Ballast.commandLine().execute(args), String.join(" ", args));
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String[] command(List<String> settings, String... words) {
        List<String> all = new ArrayList<>(List.of(words));
        all.addAll(settings);
        return all.toArray(String[]::new);
    }

    @Test
    void shouldListTheLatestModelAsJsonAfterProducedEventsAreTrained(EmbeddedKafka kafka) throws Exception {
        List<String> settings = settings(kafka, KafkaTestClient.uniqueName("models"));
        BallastConfig config = config(settings);
        try (BallastApp app = BallastApp.start(config)) {
            String produced = stdout(command(settings, "produce", "--synthetic", "500", "--bad-records", "3"));
            assertTrue(produced.contains("Sent 500 events and 3 malformed records"), produced);
            JsonNode model = null;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                JsonNode models = new ObjectMapper().readTree(stdout(command(settings, "models", "--json"))).get("models");
                if (models.size() == 1 && models.get(0).get("eventsTrained").asLong() == 500) {
                    model = models.get(0);
                    break;
                }
                Thread.sleep(300);
            }
            assertTrue(model != null, "a snapshot reflecting all 500 events within 60 s");
            assertEquals("default", model.get("model").asText());
            assertTrue(model.get("version").asLong() >= 1);
            assertEquals(config.getList(BallastConfig.MODEL_LABELS).size(), model.get("labels").size());
            assertTrue(model.get("steps").asLong() >= 500 / 32);
        }
    }

    @Test
    void shouldPrintOnePredictionPerUnlabelledEventAndTrainThemWhenTheirLabelsCome(EmbeddedKafka kafka) throws Exception {
        List<String> settings = settings(kafka, KafkaTestClient.uniqueName("predictions"));
        BallastConfig config = config(settings);
        try (BallastApp app = BallastApp.start(config)) {
            String produced = stdout(command(settings, "produce", "--synthetic", "300", "--label-delay-ms", "100-800",
                    "--unlabelled-fraction", "0.5"));
            Matcher unlabelled = Pattern.compile("([\\d,]+) of them unlabelled").matcher(produced);
            assertTrue(unlabelled.find(), produced);
            int expected = Integer.parseInt(unlabelled.group(1).replace(",", ""));
            assertTrue(expected > 100 && expected < 200, produced);
            long deadline = System.nanoTime() + 60_000_000_000L;
            List<String> lines = List.of();
            while (System.nanoTime() < deadline && lines.size() < expected) {
                lines = stdout(command(settings, "predictions", "--json")).lines().toList();
                Thread.sleep(300);
            }
            assertEquals(expected, lines.size(), "one prediction per unlabelled event");
            JsonNode first = new ObjectMapper().readTree(lines.get(0));
            assertEquals("default", first.get("modelId").asText());
            assertEquals(config.getList(BallastConfig.MODEL_LABELS).size(), first.get("labels").size());
            assertEquals(expected, lines.stream().map(line -> line.substring(0, line.indexOf(",\"modelId\""))).distinct()
                    .count(), "distinct event ids");
            JsonNode model = null;
            while (System.nanoTime() < deadline) {
                JsonNode models = new ObjectMapper().readTree(stdout(command(settings, "models", "--json"))).get("models");
                if (models.size() == 1 && models.get(0).get("eventsTrained").asLong() == 300) {
                    model = models.get(0);
                    break;
                }
                Thread.sleep(300);
            }
            assertTrue(model != null, "the unlabelled events trained once their labels came, within 60 s");
        }
    }

    @Test
    void shouldStopGracefullyOnSigterm(EmbeddedKafka kafka) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.ballast",
                Ballast.class.getName(), "run"));
        command.addAll(settings(kafka, KafkaTestClient.uniqueName("sigterm")));
        Path log = work.resolve("run.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!java.nio.file.Files.readString(log).contains("-> RUNNING") && System.nanoTime() < deadline) {
                assertTrue(process.isAlive(), java.nio.file.Files.readString(log));
                Thread.sleep(200);
            }
            process.destroy();
            assertTrue(process.waitFor(45, java.util.concurrent.TimeUnit.SECONDS), "stops within 45 s of SIGTERM");
            String output = java.nio.file.Files.readString(log);
            // Ballast's own line after close() returned; the state listener's "-> NOT_RUNNING" may be lost at exit,
            // since Kafka Streams calls listeners only after it has woken close().
            assertTrue(output.contains("Ballast stopped in"), output);
            // The JVM reports a SIGTERM exit as 128 + 15 even when every shutdown hook ran to completion.
            assertEquals(143, process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void shouldRefuseToStartWhenTheModelUpdateTopicIsNotCompacted(EmbeddedKafka kafka) {
        List<String> settings = settings(kafka, KafkaTestClient.uniqueName("uncompacted"));
        BallastConfig config = config(settings);
        String topic = config.getString(BallastConfig.MODEL_UPDATES_TOPIC);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "delete"))))
                    .all().get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> BallastApp.start(config).close());
        assertTrue(error.getMessage().contains(topic + " has cleanup.policy=delete"), error.getMessage());
        assertTrue(error.getMessage().contains("cleanup.policy=compact"), error.getMessage());
    }
}
