package dev.ballast.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.cli.Ballast;
import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One app with its dashboard on, trained on a few thousand drifting events; then the page in a real headless browser,
 * a Prometheus scrape, and {@code ballast monitor --once}, all against it.
 */
@BrokerTest
class DashboardEndToEndTest {

    private static final int EVENTS = 4_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path work;

    private static EmbeddedSchemaRegistry registry;
    private static BallastApp app;
    private static Map<String, String> settings;
    private static List<String> labels;
    private static URI dashboard;

    @BeforeAll
    static void trainAModel(EmbeddedKafka kafka) throws Exception {
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null);
        String prefix = KafkaTestClient.uniqueName("dashboard");
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        DriftingStreamSpec fastDrift = new DriftingStreamSpec(demo.featureCount(), demo.labelCount(), 7, 1_500,
                demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(), false, 0);
        settings = new HashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", prefix);
        settings.put("state.dir", work.resolve("state").toString());
        settings.put("commit.interval.ms", "100");
        for (String key : List.of(BallastConfig.EVENTS_TOPIC, BallastConfig.MODEL_UPDATES_TOPIC, BallastConfig.METRICS_TOPIC,
                BallastConfig.ALERTS_TOPIC, BallastConfig.DEAD_LETTERS_TOPIC, BallastConfig.LABELS_TOPIC,
                BallastConfig.PREDICTIONS_TOPIC)) {
            settings.put(key, prefix + "." + key.substring("ballast.topic.".length()));
        }
        settings.put(BallastConfig.TOPIC_PARTITIONS, "1");
        settings.put(BallastConfig.MODEL_FEATURES, Integer.toString(fastDrift.featureCount()));
        labels = IntStream.range(0, fastDrift.labelCount()).mapToObj(i -> "l" + i).toList();
        settings.put(BallastConfig.MODEL_LABELS, String.join(",", labels));
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "300");
        settings.put(BallastConfig.METRICS_INTERVAL_MS, "100");
        settings.put(BallastConfig.BATCH_LINGER_MS, "100");
        settings.put(BallastConfig.DASHBOARD_PORT, "0");
        BallastConfig config = new BallastConfig(settings);
        Map<String, Object> client = config.nonBallastProperties();
        app = BallastApp.start(config);
        dashboard = app.dashboardUrl().orElseThrow();
        try (EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                config.getString(BallastConfig.EVENTS_TOPIC)).lateLabels(config.getString(BallastConfig.LABELS_TOPIC),
                BallastSerdes.fromConfig(client).labels().serializer(), 0.2, 50, 300, 3);
             DriftingStream stream = new DriftingStream(fastDrift, EVENTS)) {
            // 1,000 events/s: training spans seconds, so the metrics (every 100 ms) make a series of many points.
            publisher.publish(stream, labels, "default", EVENTS, 5, 1_000, 3);
        }
        // A fifth of the events come unlabelled, their labels 50-300 ms later: all of them join and train.
        awaitSeries(series -> series.path("models").path(0).path("eventsTrained").asLong() >= EVENTS
                && series.path("models").path(0).path("time").size() >= 10);
    }

    @Test
    void shouldServeTheJoinFiguresAlignedWithTimeWhenEventsCameUnlabelled() throws Exception {
        JsonNode model = series().path("models").path(0);
        JsonNode join = model.path("labelJoin");
        int records = model.path("time").size();

        for (String field : List.of("waiting", "joined", "expired", "delayP50Ms", "delayP99Ms")) {
            assertEquals(records, join.path(field).size(), field + " in " + join);
        }
        double joined = join.path("joined").path(records - 1).asDouble();
        assertTrue(joined > EVENTS * 0.1 && joined < EVENTS * 0.3, "about a fifth of the events joined: " + join);
        assertEquals(0.0, join.path("expired").path(records - 1).asDouble(), "labels came well within the delay");
        double p50 = join.path("delayP50Ms").path(records - 1).asDouble();
        assertTrue(p50 > 0 && p50 < 1_000, "label delay p50 " + p50 + " ms for delays of 50-300 ms");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void shouldExposeEveryLabelsFiguresAndKafkaStreamsMetricsInValidPrometheusText() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(dashboard.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        ExpositionParser.Exposition exposition = ExpositionParser.parse(response.body());
        for (String label : labels) {
            for (String family : List.of("ballast_label_prevalence", "ballast_label_positive_weight", "ballast_label_threshold",
                    "ballast_label_recall", "ballast_label_precision", "ballast_label_f1", "ballast_label_pr_auc")) {
                assertTrue(exposition.value(family, Map.of("model", "default", "label", label)).isPresent(), family + " " + label);
            }
        }
        assertTrue(exposition.value("ballast_events_trained_total", Map.of("model", "default")).orElseThrow() >= EVENTS);
        assertTrue(exposition.value("ballast_model_version", Map.of("model", "default")).orElseThrow() >= 1);
        assertEquals(5.0, exposition.value("ballast_dead_letters_total", Map.of()).orElseThrow());
        assertTrue(exposition.samples().containsKey("ballast_alerts_total"));
        assertTrue(exposition.samples().keySet().stream().anyMatch(family -> family.startsWith("kafka_stream_thread_metrics_")),
                "Kafka Streams' own metrics");
        Map<Map<String, String>, Double> processed = exposition.samples().get("kafka_stream_thread_metrics_process_total");
        assertTrue(processed.keySet().stream().allMatch(tags -> tags.containsKey("thread_id")), processed.toString());
        assertTrue(processed.values().stream().mapToDouble(Double::doubleValue).sum() >= EVENTS, processed.toString());
    }

    @Test
    void shouldPlotPointsOnEveryChartInAHeadlessBrowser() throws Exception {
        Optional<Path> chromium = chromium();
        Assumptions.assumeTrue(chromium.isPresent(), "no chromium on PATH (apt-get install -y chromium)");

        String dom = runChromium(chromium.get(), "--dump-dom");
        Map<String, Integer> points = new TreeMap<>();
        Matcher canvas = Pattern.compile("<canvas id=\"([a-z]+)\"[^>]*?data-points=\"(\\d+)\"").matcher(dom);
        while (canvas.find()) {
            points.put(canvas.group(1), Integer.parseInt(canvas.group(2)));
        }
        assertEquals(List.of("macro", "prevalence", "recall", "weight"), List.copyOf(points.keySet()), dom);
        int records = series().path("models").path(0).path("time").size();
        assertTrue(points.get("prevalence") >= labels.size() * 5, points.toString());
        assertEquals(labels.size() * records, points.get("recall"), "one recall point per label and metrics record");
        assertEquals(2 * records, points.get("macro"), "macro-F1 and model version per metrics record");
        assertTrue(dom.matches("(?s).*<b id=\"events\">[0-9,.]+</b>.*"), "the header shows events trained");
        assertTrue(dom.contains("<section id=\"label-join\">"), "the late-label figures are shown: " + dom);
        assertTrue(dom.matches("(?s).*<b id=\"join-joined\">[0-9,.]+</b>.*<b id=\"join-delay-p99\">[0-9,.]+ ms</b>.*"),
                "joined count and label delay p99: " + dom);

        Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        runChromium(chromium.get(), "--screenshot=" + screenshot);
        assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the charts at " + screenshot);
    }

    @Test
    void shouldPrintEveryLabelOnceWhenMonitoringOnce() {
        List<String> args = new ArrayList<>(List.of("monitor", "--once", "--model", "default"));
        settings.forEach((key, value) -> {
            args.add("--set");
            args.add(key + "=" + value);
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        int exitCode;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exitCode = Ballast.commandLine().execute(args.toArray(String[]::new));
        } finally {
            System.setOut(originalOut);
        }
        String text = out.toString(StandardCharsets.UTF_8);

        assertEquals(0, exitCode, text);
        assertTrue(text.contains("model default  version "), text);
        assertTrue(text.contains("trained " + String.format(Locale.ROOT, "%,d", EVENTS)), text);
        for (String label : labels) {
            assertEquals(1, text.lines().filter(line -> line.trim().startsWith(label + " ")).count(), label + " in\n" + text);
        }
        assertTrue(text.contains("dead letters 5"), text);
        assertFalse(text.contains("\033["), "no ANSI escapes off a terminal");
    }

    private static JsonNode series() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(dashboard.resolve("/api/series")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        return new ObjectMapper().readTree(response.body());
    }

    private static void awaitSeries(Predicate<JsonNode> ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode series = series();
        while (!ready.test(series)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the dashboard series never got there: " + series);
            }
            Thread.sleep(300);
            series = series();
        }
    }

    private static Optional<Path> chromium() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .flatMap(dir -> Stream.of("chromium", "chromium-browser").map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable).findFirst();
    }

    /** Runs headless Chromium on the dashboard with a fresh profile; returns what it printed on stdout. */
    private static String runChromium(Path chromium, String action) throws Exception {
        Path profile = Files.createTempDirectory(work, "chromium-");
        Path stdout = work.resolve("chromium-out.txt");
        Path stderr = work.resolve("chromium-err.txt");
        Process process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=1400,900",
                "--virtual-time-budget=8000", action, dashboard.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s: " + Files.readString(stderr));
        }
        assertEquals(0, process.exitValue(), () -> readQuietly(stderr));
        return Files.readString(stdout);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
