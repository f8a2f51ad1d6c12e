package dev.ballast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.embedded.kafka.EmbeddedKafkaSettings;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.monitoring.FeedView;
import dev.ballast.monitoring.MetricsFeed;
import dev.ballast.monitoring.ModelView;
import dev.ballast.monitoring.TextDashboard;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run everything in one process, nothing to install, with a live view.",
            "",
            "A Kafka broker (KRaft) and a Schema Registry in-process, the Ballast stream processor, and a generator of "
                + "drifting, imbalanced multi-label events (label prevalence shifting by 10x and more, some labels under "
                + "1%%). Shows a live view of each label's prevalence, weight, threshold, recall and F1, and the model "
                + "version, with the dashboard's address; logs go to data/demo.log meanwhile. A share of the events "
                + "comes unlabelled, scored on the predictions topic, with its labels a few seconds later "
                + "(--label-delay-ms, --unlabelled-fraction), as a service that learns the truth later would. Ctrl-C "
                + "stops it and deletes its data.", ""},
        footer = {"", "Examples:",
            "  ballast demo                               # runs until Ctrl-C",
            "  ballast demo --events 50000 --report json",
            "      # stops once a snapshot reflects all 50,000 events"})
final class DemoCommand implements Callable<Integer> {

    enum Report { LIVE, JSON }

    @Option(names = "--events", paramLabel = "N",
            description = "Produce N valid events, stop once a published snapshot reflects all of them.")
    Long events;

    @Option(names = "--rate", defaultValue = "-1", paramLabel = "EVENTS_PER_S",
            description = "Production rate; default 2,000/s without --events, as fast as possible with it.")
    double rate;

    @Option(names = "--bad-records", defaultValue = "25", paramLabel = "N", description = "Malformed records mixed in (default ${DEFAULT-VALUE}).")
    int badRecords;

    @Option(names = "--label-delay-ms", defaultValue = "1000-5000", paramLabel = "A-B",
            description = "Labels of unlabelled events come A to B ms after them (default ${DEFAULT-VALUE}).")
    String labelDelay;

    @Option(names = "--unlabelled-fraction", defaultValue = "0.2", paramLabel = "F",
            description = "Share of the events sent unlabelled; 0 sends every event with its labels (default ${DEFAULT-VALUE}).")
    double unlabelledFraction;

    @Option(names = "--report", defaultValue = "live", paramLabel = "live|json", description = "live (default) or json: one JSON object on stdout at the end.")
    Report report;

    @Mixin
    ConfigOptions configOptions;

    /** Set by the Ctrl-C hook: the loop stops and the demo cleans up. */
    private volatile boolean stopRequested;

    @Override
    public Integer call() throws Exception {
        DriftingStreamSpec spec = DriftingStreamSpec.demo();
        Map<String, String> defaults = new HashMap<>();
        defaults.put("application.id", "ballast-demo");
        defaults.put(BallastConfig.MODEL_FEATURES, Integer.toString(spec.featureCount()));
        defaults.put(BallastConfig.MODEL_LABELS, IntStream.range(0, spec.labelCount()).mapToObj(i -> "l" + i)
                .collect(Collectors.joining(",")));
        defaults.put(BallastConfig.TOPIC_PARTITIONS, "1");
        defaults.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "1000");
        defaults.put(BallastConfig.METRICS_INTERVAL_MS, "1000");
        defaults.put(BallastConfig.BATCH_LINGER_MS, "200");
        defaults.put(BallastConfig.DASHBOARD_PORT, "0");
        // Bad settings fail here, before a broker is started for them.
        new BallastConfig(configOptions.load(defaults));
        // Under data/, not the OS temp directory, which Kafka Streams warns against for state.dir (the OS may clear
        // it while the app runs); deleted on exit and on Ctrl-C, when the hook waits for the clean-up below.
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("data")), "demo-");
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            stopRequested = true;
            try {
                cleanedUp.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ballast-demo-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        Path logPath = Path.of("data", "demo.log");
        LogFile logFile = report == Report.LIVE ? LogFile.redirect(logPath) : null;
        try {
            return run(spec, defaults, work, logFile == null ? null : logPath);
        } finally {
            if (logFile != null) {
                logFile.close();
            }
            EmbeddedKafka.deleteRecursively(work);
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and has been waiting for cleanedUp.
            }
        }
    }

    private int run(DriftingStreamSpec spec, Map<String, String> defaults, Path work, Path logPath) throws Exception {
        long started = System.nanoTime();
        PrintStream err = System.err;
        if (logPath != null) {
            err.println("Logs go to " + logPath + " while the live view runs.");
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.defaults().withDataDir(work.resolve("kafka")));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            defaults.put("bootstrap.servers", kafka.bootstrapServers());
            defaults.put("schema.registry.url", registry.url());
            defaults.put("state.dir", work.resolve("state").toAbsolutePath().toString());
            BallastConfig config = new BallastConfig(configOptions.load(defaults));
            Map<String, Object> client = config.nonBallastProperties();
            err.println("Kafka " + kafka.bootstrapServers() + ", Schema Registry " + registry.url() + ", data in " + work
                    + " (deleted on exit)");

            try (BallastApp app = BallastApp.start(config);
                 EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                         config.getString(BallastConfig.EVENTS_TOPIC)).lateLabels(
                         config.getString(BallastConfig.LABELS_TOPIC), BallastSerdes.fromConfig(client).labels().serializer(),
                         ProduceCommand.share(unlabelledFraction), ProduceCommand.delayRange(labelDelay)[0],
                         ProduceCommand.delayRange(labelDelay)[1], spec.seed());
                 MetricsFeed feed = new MetricsFeed(config, client, TextDashboard.TREND_LENGTH)) {
                String dashboard = app.dashboardUrl().map(url -> "dashboard " + url + "  metrics " + url + "metrics").orElse("");
                if (!dashboard.isEmpty()) {
                    err.println(Character.toUpperCase(dashboard.charAt(0)) + dashboard.substring(1));
                }
                ExecutorService producing = Executors.newSingleThreadExecutor(r -> new Thread(r, "ballast-demo-producer"));
                long target = events == null ? Long.MAX_VALUE : events;
                double eventsPerSecond = rate >= 0 ? rate : (events == null ? 2_000 : 0);
                List<String> labels = config.getList(BallastConfig.MODEL_LABELS);
                Future<EventPublisher.Sent> produced = producing.submit(() -> {
                    try (DriftingStream stream = new DriftingStream(spec, target)) {
                        return publisher.publish(stream, labels, "default", target, badRecords, eventsPerSecond, spec.seed());
                    }
                });
                producing.shutdown();
                String header = "Ballast demo  " + dashboard + "  Ctrl-C stops" + (logPath == null ? "" : "  log " + logPath);
                LiveView view = new LiveView(report == Report.LIVE ? System.out : null, header);
                while (!stopRequested) {
                    feed.poll(Duration.ofMillis(500));
                    FeedView current = feed.view();
                    view.draw(current, publisher.sent());
                    ModelSnapshot latest = current.model("default").flatMap(ModelView::latestSnapshot).orElse(null);
                    if (produced.isDone()) {
                        EventPublisher.Sent sent = produced.get();
                        if (latest != null && latest.getEventsTrained() >= sent.valid()) {
                            feed.readToEnd(Duration.ofSeconds(5));
                            FeedView done = feed.view();
                            double seconds = (System.nanoTime() - started) / 1e9;
                            if (report == Report.JSON) {
                                printJson(sent, done, latest, seconds);
                            } else {
                                view.draw(done, sent);
                                System.out.printf(Locale.ROOT, "%nDone: %,d events trained, model version %d, %d dead letters, %d alerts, %.1f s%n",
                                        latest.getEventsTrained(), latest.getVersion(), done.deadLetters(),
                                        done.alertCount(), seconds);
                            }
                            return 0;
                        }
                    }
                    if (app.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR
                            || app.state() == org.apache.kafka.streams.KafkaStreams.State.NOT_RUNNING) {
                        throw new UserFacingException("the stream processor stopped (" + app.state() + "); see the log above");
                    }
                }
                err.println("Stopping: closing the app, the broker and the registry, deleting " + work);
                return 0;
            }
        }
    }

    private static void printJson(EventPublisher.Sent sent, FeedView view, ModelSnapshot latest, double seconds)
            throws Exception {
        TrainingMetrics metrics = view.model("default").flatMap(ModelView::latestMetrics).orElse(null);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("eventsProduced", sent.valid());
        root.put("badRecordsProduced", sent.bad());
        root.put("eventsTrained", latest.getEventsTrained());
        root.put("modelVersion", latest.getVersion());
        root.put("optimizerSteps", latest.getOptimizerSteps());
        root.put("deadLetters", view.deadLetters());
        root.put("alerts", view.alertCount());
        ObjectNode alertsByKind = root.putObject("alertsByKind");
        view.model("default").ifPresent(model -> new java.util.TreeMap<>(model.alertCounts()).forEach((kind, count) -> alertsByKind.put(kind.name(), count)));
        root.put("macroF1", metrics == null ? Double.NaN : metrics.getMacroF1());
        root.put("microF1", metrics == null ? Double.NaN : metrics.getMicroF1());
        root.put("collapsedLabels", metrics == null ? 0 : metrics.getCollapsedLabels());
        root.put("eventsPerSecond", latest.getEventsTrained() / seconds);
        root.put("seconds", seconds);
        System.out.println(mapper.writeValueAsString(root));
    }

    /** The terminal view: redrawn in place on a terminal, a line every few seconds otherwise. */
    private static final class LiveView {
        private final PrintStream out;
        private final String header;
        private final boolean terminal = System.console() != null;
        private long lastDrawn;

        LiveView(PrintStream out, String header) {
            this.out = out;
            this.header = header;
        }

        void draw(FeedView view, EventPublisher.Sent sent) {
            long now = System.currentTimeMillis();
            if (out == null || now - lastDrawn < (terminal ? 1000 : 5000)) {
                return;
            }
            lastDrawn = now;
            String produced = String.format(Locale.ROOT, "produced %,d (+%d malformed)", sent.valid(), sent.bad());
            if (terminal) {
                out.print("\033[H\033[2J" + header + "\n" + produced + "\n\n" + TextDashboard.render(view, "default"));
            } else {
                out.println(produced + "  " + view.model("default").map(TextDashboard::summaryLine).orElse("no metrics yet")
                        + String.format(Locale.ROOT, "  dead letters %d", view.deadLetters()));
            }
            out.flush();
        }
    }
}
