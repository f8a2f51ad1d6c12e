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
import dev.ballast.processor.OutputRecords;
import dev.ballast.processor.Rejection;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
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
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import dev.ballast.topology.StreamsSettings;
import dev.ballast.topology.TopicProvisioner;
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
    void shouldReadEmptyTopicsWithoutAskingTheSchemaRegistry(EmbeddedKafka kafka) throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String prefix = KafkaTestClient.uniqueName("noregistry");
        List<String> settings = new ArrayList<>(settings(kafka, prefix));
        settings.replaceAll(setting -> setting.startsWith("schema.registry.url=")
                ? "schema.registry.url=http://127.0.0.1:" + closedPort : setting);
        settings.addAll(List.of("--set", BallastConfig.STARTUP_WAIT_MS + "=1000"));
        // A registry probe would fail after the 1 s wait: models, monitor and dead-letters ask the registry only for
        // a record's schema.
        assertEquals("No model snapshots on " + prefix + ".updates yet." + System.lineSeparator(),
                stdout(command(settings, "models")));
        assertTrue(stdout(command(settings, "monitor", "--once")).startsWith("No metrics yet."), "monitor --once printed its view");
        new KafkaTestClient(kafka).createTopics(1, prefix + ".dead");
        assertEquals(List.of("0 dead letters on " + prefix + ".dead"), stdout(command(settings, "dead-letters")).lines().toList());
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
    void shouldShowEveryDeadLetterWithItsSourceAndReplayThoseThatDecode(EmbeddedKafka kafka) throws Exception {
        List<String> settings = settings(kafka, KafkaTestClient.uniqueName("dead"));
        BallastConfig config = config(settings);
        String events = config.getString(BallastConfig.EVENTS_TOPIC);
        String replayTopic = events + ".replayed";
        new KafkaTestClient(kafka).createTopics(1, replayTopic);
        try (BallastApp app = BallastApp.start(config)) {
            // One malformed record of each of the nine kinds BadRecords makes: four undecodable, five that fail validation.
            stdout(command(settings, "produce", "--synthetic", "50", "--bad-records", "9"));
            JsonNode report = null;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                report = new ObjectMapper().readTree(stdout(command(settings, "dead-letters", "--json")));
                if (report.get("count").asInt() == 9) {
                    break;
                }
                Thread.sleep(300);
            }
            assertEquals(9, report.get("count").asInt(), report.toString());
            assertEquals(4, report.get("byKind").get("DESERIALIZATION").asInt(), report.toString());
            for (JsonNode deadLetter : report.get("deadLetters")) {
                String source = deadLetter.get("sourceTopic").asText();
                assertTrue(source.equals(events) || source.endsWith("-repartition"), source);
                assertTrue(deadLetter.get("sourceOffset").asLong() >= 0);
                assertTrue(deadLetter.get("value").asText().matches(
                        "absent|\\d+ bytes: [0-9a-f]{2}( [0-9a-f]{2})*( \\.\\.\\.)?  \\|.*"), deadLetter.toString());
            }

            // A dead letter that kept a decodable event's bytes, as one rejected for a setting since fixed would.
            BallastSerdes serdes = BallastSerdes.fromConfig(config.nonBallastProperties());
            LabelledEvent valid = LabelledEvent.newBuilder().setId("fixed-1").setEventTime(java.time.Instant.now())
                    .setModelId("default").setFeatures(new DenseFeatures(java.util.Collections.nCopies(
                            config.getInt(BallastConfig.MODEL_FEATURES), 0.5f)))
                    .setLabels(List.of("l0")).setImportance(1f).build();
            byte[] encoded = serdes.events().serializer().serialize(events, valid);
            new KafkaTestClient(kafka).produce(config.getString(BallastConfig.DEAD_LETTERS_TOPIC), new StringSerializer(),
                    serdes.deadLetters().serializer(), List.of(KeyValue.pair("default", OutputRecords.deadLetter(
                            new Rejection("DIMENSION", "feature dimension 30, model expects 31"), events, 0, 99, "fixed-1",
                            "default".getBytes(StandardCharsets.UTF_8), encoded, System.currentTimeMillis()))));
            report = new ObjectMapper().readTree(stdout(command(settings, "dead-letters", "--json")));
            long decodable = 0;
            for (JsonNode deadLetter : report.get("deadLetters")) {
                if (!deadLetter.get("kind").asText().equals("DESERIALIZATION") && deadLetter.get("valueBytes").asInt() > 0) {
                    decodable++;
                }
            }
            // The five rejected by validation keep their event, encoded, and the injected one its bytes.
            assertEquals(6, decodable, report.toString());

            String text = stdout(command(settings, "dead-letters", "--replay-to", replayTopic));
            List<String> lines = text.lines().toList();
            String kinds = report.get("byKind").properties().stream().map(kind -> kind.getKey() + " " + kind.getValue().asInt())
                    .collect(java.util.stream.Collectors.joining(", "));
            assertEquals("10 dead letters on " + config.getString(BallastConfig.DEAD_LETTERS_TOPIC) + ": " + kinds,
                    lines.get(lines.size() - 2), text);
            assertEquals("Re-sent " + decodable + " to " + replayTopic + "; " + (10 - decodable)
                    + " do not decode as a LabelledEvent (or lost their bytes) and were not re-sent; the next replay of "
                    + "this choice starts after them (--from-beginning re-sends them all)", lines.get(lines.size() - 1),
                    text);
            assertTrue(text.contains("DIMENSION  " + events + "-0@99  event fixed-1  at "), text);
            assertTrue(text.contains("  reason: feature dimension 30, model expects 31"), text);
            List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> replayed = new KafkaTestClient(kafka).consumeAll(
                    replayTopic, new StringDeserializer(), new ByteArrayDeserializer(), (int) decodable, Duration.ofSeconds(30));
            assertTrue(replayed.stream().anyMatch(record -> java.util.Arrays.equals(encoded, record.value())
                    && "default".equals(record.key())), "the fixed event's original key and bytes");

            // A second replay re-sends nothing: each dead letter goes once, unless asked again from the beginning.
            List<String> again = stdout(command(settings, "dead-letters", "--replay-to", replayTopic)).lines().toList();
            assertEquals("0 dead letters on " + config.getString(BallastConfig.DEAD_LETTERS_TOPIC)
                    + " after the last replay to " + replayTopic, again.get(again.size() - 2), String.join("\n", again));
            assertTrue(again.get(again.size() - 1).startsWith("Re-sent 0 to "), String.join("\n", again));
            List<String> all = stdout(command(settings, "dead-letters", "--replay-to", replayTopic, "--from-beginning"))
                    .lines().toList();
            assertTrue(all.get(all.size() - 1).startsWith("Re-sent " + decodable + " to "), String.join("\n", all));
            assertEquals(2 * decodable, new KafkaTestClient(kafka).consumeAll(replayTopic, new StringDeserializer(),
                    new ByteArrayDeserializer(), (int) (2 * decodable), Duration.ofSeconds(30)).size());

            // Only the chosen kinds are shown, counted and re-sent.
            String dimension = stdout(command(settings, "dead-letters", "--kind", "DIMENSION,MODEL_FAILED", "--replay-to",
                    replayTopic));
            List<String> dimensionLines = dimension.lines().toList();
            long dimensions = report.get("byKind").get("DIMENSION").asLong();
            assertEquals(2, dimensions, "the bad record's and the injected one: " + report);
            assertEquals(dimensions + " dead letters on " + config.getString(BallastConfig.DEAD_LETTERS_TOPIC)
                    + " of kind DIMENSION, MODEL_FAILED: DIMENSION " + dimensions,
                    dimensionLines.get(dimensionLines.size() - 2), dimension);
            assertTrue(dimensionLines.get(dimensionLines.size() - 1).startsWith("Re-sent " + dimensions + " to "),
                    dimension);
            assertTrue(!dimension.contains("DESERIALIZATION"), dimension);

            String fraud = stdout(command(settings, "dead-letters", "--model", "fraud"));
            assertEquals(List.of("0 dead letters on " + config.getString(BallastConfig.DEAD_LETTERS_TOPIC) + " for model fraud"),
                    fraud.lines().toList());
        }
    }

    @Test
    void shouldPrintANewDeadLetterWhileFollowingAndStopOnSigterm(EmbeddedKafka kafka) throws Exception {
        List<String> settings = settings(kafka, KafkaTestClient.uniqueName("follow"));
        BallastConfig config = config(settings);
        String topic = config.getString(BallastConfig.DEAD_LETTERS_TOPIC);
        String events = config.getString(BallastConfig.EVENTS_TOPIC);
        new KafkaTestClient(kafka).createTopics(1, topic);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.ballast",
                Ballast.class.getName(), "dead-letters", "--follow"));
        command.addAll(settings);
        Path out = work.resolve("follow.out");
        Path err = work.resolve("follow.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            String summary = "0 dead letters on " + topic;
            awaitOutput(process, out, summary, err);
            BallastSerdes serdes = BallastSerdes.fromConfig(config.nonBallastProperties());
            long failedAt = 1_796_000_000_000L;
            new KafkaTestClient(kafka).produce(topic, new StringSerializer(), serdes.deadLetters().serializer(),
                    List.of(KeyValue.pair("default", OutputRecords.deadLetter(new Rejection("UNKNOWN_LABEL", "label 'l99' is not declared"),
                            events, 0, 7, "late-1", "default".getBytes(StandardCharsets.UTF_8), null, failedAt))));
            awaitOutput(process, out, "  value: absent", err);

            process.destroy();
            assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "stops within 30 s of SIGTERM");
            // The JVM reports a SIGTERM exit as 128 + 15.
            assertEquals(143, process.exitValue());
            assertEquals(List.of(summary,
                    "UNKNOWN_LABEL  " + events + "-0@7  event late-1  at " + java.time.Instant.ofEpochMilli(failedAt),
                    "  reason: label 'l99' is not declared",
                    "  key: default",
                    "  value: absent"), java.nio.file.Files.readAllLines(out));
            String errors = java.nio.file.Files.readString(err);
            assertTrue(!errors.contains("Exception") && !errors.contains("ERROR") && !errors.contains("ballast dead-letters:"),
                    errors);
        } finally {
            process.destroyForcibly();
        }
    }

    private static void awaitOutput(Process process, Path out, String line, Path err) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!java.nio.file.Files.readAllLines(out).contains(line)) {
            assertTrue(process.isAlive(), java.nio.file.Files.readString(out) + java.nio.file.Files.readString(err));
            assertTrue(System.nanoTime() < deadline, "no line '" + line + "' within 60 s: " + java.nio.file.Files.readString(out));
            Thread.sleep(200);
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
    void shouldRefuseToProduceWhenTheEventsTopicDoesNotExist(EmbeddedKafka kafka) {
        List<String> settings = settings(kafka, KafkaTestClient.uniqueName("no-topic"));
        String events = config(settings).getString(BallastConfig.EVENTS_TOPIC);
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine commandLine = Ballast.commandLine();
        commandLine.setErr(new java.io.PrintWriter(err, true));
        long start = System.nanoTime();
        int exitCode = commandLine.execute(command(settings, "produce", "--synthetic", "100"));
        assertEquals(ReadableErrors.FAILURE, exitCode, err.toString());
        assertEquals("ballast produce: topic " + events + " does not exist on Kafka at " + kafka.bootstrapServers()
                + "; 'ballast run' creates Ballast's topics at start-up, or create it yourself", err.toString().lines().findFirst().orElseThrow());
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "fails at once instead of blocking on every record");
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

    @Test
    void shouldCreateTheModelUpdateTopicCompactedWithHourlySegments(EmbeddedKafka kafka) throws Exception {
        BallastConfig config = config(settings(kafka, KafkaTestClient.uniqueName("segments")));
        String topic = config.getString(BallastConfig.MODEL_UPDATES_TOPIC);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicProvisioner.ensureTopics(admin, config);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config created = null;
            // A topic created a moment ago is unknown to the broker until its metadata arrives there.
            for (long deadline = System.nanoTime() + 10_000_000_000L; created == null; Thread.sleep(100)) {
                try {
                    created = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                            || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
            assertEquals("compact", created.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
            // Compaction skips the open segment: it rolls hourly, not after Kafka's default of a week.
            assertEquals("3600000", created.get(TopicConfig.SEGMENT_MS_CONFIG).value());
            assertEquals(Integer.toString(StreamsSettings.MAX_RECORD_BYTES),
                    created.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
            // Checking it again as an existing topic passes.
            TopicProvisioner.ensureTopics(admin, config);
        }
    }
}
