package dev.ballast.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.cli.Ballast;
import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.LabelState;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.TestApps;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A model restored under changed settings, on a real broker: new hyper-parameters take effect and are reported, an
 * added label joins the running model, and a feature count the saved model cannot take is refused at start-up.
 */
@BrokerTest
class SettingsChangeRestartTest {

    private static final String MODEL = "default";
    private static final Duration TRAINED = Duration.ofSeconds(120);
    private static EmbeddedSchemaRegistry registry;

    @TempDir
    Path work;

    @BeforeAll
    static void useSharedRegistry(EmbeddedSchemaRegistry shared) {
        registry = shared;
    }

    @Test
    void shouldTrainWithNewSettingsTakeANewLabelAndRefuseANewFeatureCountWhenRestarted(EmbeddedKafka kafka)
            throws Exception {
        Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(),
                KafkaTestClient.uniqueName("settings-change"), 1);
        settings.put("state.dir", work.toString());
        settings.put(BallastConfig.BATCH_SIZE, "16");
        // Whole batches from the first event on: the expected counts assume no warm-up.
        settings.put(BallastConfig.BATCH_WARMUP_EVENTS, "0");
        BallastConfig first = new BallastConfig(settings);
        new KafkaTestClient(kafka).createTopics(1, first.getString(BallastConfig.EVENTS_TOPIC));
        try (DriftingStream stream = new DriftingStream(TestApps.STREAM, 1_040)) {
            try (BallastApp app = BallastApp.start(first)) {
                publish(first, stream, TestApps.labels(), 480);
                AppOutputs.awaitEventsTrained(first, MODEL, 480, TRAINED);
            }
            ModelSnapshot before = AppOutputs.read(first).latest(MODEL);
            assertEquals("16", before.getHyperParameters().get(BallastConfig.BATCH_SIZE));

            settings.put(BallastConfig.BATCH_SIZE, "8");
            settings.put(BallastConfig.LEARNING_RATE, "0.05");
            BallastConfig second = new BallastConfig(settings);
            // All 400 events wait in the topic before the app starts, so no linger flush splits a batch.
            publish(second, stream, TestApps.labels(), 400);
            try (BallastApp app = BallastApp.start(second)) {
                AppOutputs.awaitEventsTrained(second, MODEL, 880, TRAINED);
            }
            ModelSnapshot afterChange = AppOutputs.read(second).latest(MODEL);
            long steps = batches(afterChange) - batches(before);
            assertTrue(steps >= 50 && steps <= 53, "400 events in batches of 8 are 50 steps (25 at the old 16): " + steps);
            assertEquals("8", afterChange.getHyperParameters().get(BallastConfig.BATCH_SIZE));
            assertEquals("0.05", afterChange.getHyperParameters().get(BallastConfig.LEARNING_RATE));

            List<String> withExtra = new ArrayList<>(TestApps.labels());
            withExtra.add("extra");
            settings.put(BallastConfig.MODEL_LABELS, String.join(",", withExtra));
            BallastConfig third = new BallastConfig(settings);
            publish(third, stream, withExtra, 160);
            try (BallastApp app = BallastApp.start(third)) {
                AppOutputs.awaitEventsTrained(third, MODEL, 1_040, TRAINED);
                assertEquals(2, ballast("models", "reset", "--model", MODEL,
                        "--config", propertiesFile(settings).toString()).exitCode(), "no reset while the app runs");
            }
            Cli json = ballast("models", "--json", "--config", propertiesFile(settings).toString());
            assertEquals(0, json.exitCode());
            assertEquals("8", new ObjectMapper().readTree(json.out()).get("models").get(0).get("hyperParameters")
                    .get(BallastConfig.BATCH_SIZE).asText(), json.out());
            ModelSnapshot afterLabel = AppOutputs.read(third).latest(MODEL);
            assertEquals(withExtra, afterLabel.getLabels().stream().map(LabelState::getName).toList());
            assertEquals(1_040, afterLabel.getEventsTrained(), "every event trained once, the new label's too");
            assertTrue(batches(afterLabel) >= batches(afterChange) + 20, "training goes on");
            CrashLoopTest.assertVersionsStrictlyIncrease(AppOutputs.read(third).snapshotsOf(MODEL));
        }

        settings.put(BallastConfig.MODEL_FEATURES, Integer.toString(TestApps.STREAM.featureCount() + 1));
        BallastConfig fourth = new BallastConfig(settings);
        ConfigException refused = assertThrows(ConfigException.class, () -> BallastApp.start(fourth).close());
        assertTrue(refused.getMessage().contains(BallastConfig.MODEL_FEATURES)
                && refused.getMessage().contains("ballast models reset --model " + MODEL), refused.getMessage());

        // The way out: reset the model, and it starts afresh with the new feature count.
        Cli reset = ballast("models", "reset", "--model", MODEL, "--config", propertiesFile(settings).toString());
        assertEquals(0, reset.exitCode(), reset.err());
        DriftingStreamSpec wider = new DriftingStreamSpec(TestApps.STREAM.featureCount() + 1, TestApps.STREAM.labelCount(),
                7, TestApps.STREAM.driftPeriodEvents(), TestApps.STREAM.minPrevalence(), TestApps.STREAM.maxPrevalence(),
                TestApps.STREAM.labelNoise(), false, 0);
        try (DriftingStream stream = new DriftingStream(wider, 200); BallastApp app = BallastApp.start(fourth)) {
            publish(fourth, stream, TestApps.labels(), 200);
            AppOutputs.await(fourth, outputs -> {
                List<ModelSnapshot> written = outputs.snapshotsOf(MODEL);
                ModelSnapshot last = written.get(written.size() - 1);
                return last.getFeatureCount() == wider.featureCount() && last.getEventsTrained() == 200;
            }, "a fresh model of " + wider.featureCount() + " features trained on the 200 new events", TRAINED);
        }
    }

    private record Cli(int exitCode, String out, String err) {
    }

    /** Runs a {@code ballast} command in this JVM, capturing its output. */
    private static Cli ballast(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        PrintStream originalOut = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine commandLine = Ballast.commandLine();
            commandLine.setErr(new PrintWriter(err, true));
            int code = commandLine.execute(args);
            return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(originalOut);
        }
    }

    private Path propertiesFile(Map<String, String> settings) throws IOException {
        Properties properties = new Properties();
        properties.putAll(settings);
        Path file = work.resolve("ballast.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        return file;
    }

    /** Mini-batches trained, their step taken or skipped. */
    private static long batches(ModelSnapshot snapshot) {
        return snapshot.getOptimizerSteps() + snapshot.getSkippedSteps();
    }

    private static void publish(BallastConfig config, DriftingStream stream, List<String> labels, long events)
            throws InterruptedException {
        Map<String, Object> client = new HashMap<>(config.nonBallastProperties());
        try (EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                config.getString(BallastConfig.EVENTS_TOPIC))) {
            assertEquals(events, publisher.publish(stream, labels, MODEL, events, 0, 0, events).valid());
        }
    }
}
