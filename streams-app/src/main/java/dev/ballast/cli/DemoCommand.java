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
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelMetrics;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.topology.BallastApp;
import dev.ballast.topology.BallastSerdes;
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
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Everything in one process, nothing to install: a Kafka broker (KRaft) and a Schema Registry",
            "in-process, the Ballast stream processor, and a generator of drifting, imbalanced multi-label events",
            "(label prevalence shifting by 10x and more, some labels under 1%). Shows a live view of each label's",
            "prevalence, weight, threshold, recall and F1, and the model version. Ctrl-C stops it.", ""},
        footer = {"", "Examples:",
            "  ballast demo                               # runs until Ctrl-C",
            "  ballast demo --events 50000 --report json  # stops once a snapshot reflects all 50,000 events"})
final class DemoCommand implements Callable<Integer> {

    enum Report { LIVE, JSON }

    @Option(names = "--events", paramLabel = "N",
            description = "Produce N valid events, stop once a published snapshot reflects all of them.")
    Long events;

    @Option(names = "--rate", defaultValue = "-1", paramLabel = "EVENTS_PER_S",
            description = "Production rate; default 2,000/s without --events, as fast as possible with it.")
    double rate;

    @Option(names = "--bad-records", defaultValue = "25", description = "Malformed records mixed in (default ${DEFAULT-VALUE}).")
    int badRecords;

    @Option(names = "--report", defaultValue = "live", description = "live (default) or json: one JSON object on stdout at the end.")
    Report report;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("ballast-demo-");
        DriftingStreamSpec spec = DriftingStreamSpec.demo();
        long started = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.defaults().withDataDir(work.resolve("kafka")));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> defaults = new HashMap<>();
            defaults.put("bootstrap.servers", kafka.bootstrapServers());
            defaults.put("schema.registry.url", registry.url());
            defaults.put("application.id", "ballast-demo");
            defaults.put("state.dir", work.resolve("state").toString());
            defaults.put(BallastConfig.MODEL_FEATURES, Integer.toString(spec.featureCount()));
            defaults.put(BallastConfig.MODEL_LABELS, IntStream.range(0, spec.labelCount()).mapToObj(i -> "l" + i)
                    .collect(Collectors.joining(",")));
            defaults.put(BallastConfig.TOPIC_PARTITIONS, "1");
            defaults.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "1000");
            defaults.put(BallastConfig.METRICS_INTERVAL_MS, "1000");
            defaults.put(BallastConfig.BATCH_LINGER_MS, "200");
            BallastConfig config = new BallastConfig(configOptions.load(defaults));
            Map<String, Object> client = config.nonBallastProperties();
            PrintStream err = System.err;
            err.println("Kafka " + kafka.bootstrapServers() + ", Schema Registry " + registry.url() + ", data in " + work);

            try (BallastApp app = BallastApp.start(config);
                 EventPublisher publisher = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(),
                         config.getString(BallastConfig.EVENTS_TOPIC));
                 OutputReader reader = new OutputReader(config, client)) {
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
                LiveView view = new LiveView(report == Report.LIVE ? System.out : null);
                while (true) {
                    reader.poll(Duration.ofMillis(500));
                    view.draw(reader, publisher.sent());
                    ModelSnapshot latest = reader.latestSnapshots.get("default");
                    if (produced.isDone()) {
                        EventPublisher.Sent sent = produced.get();
                        if (latest != null && latest.getEventsTrained() >= sent.valid()) {
                            reader.readToEnd(Duration.ofSeconds(5));
                            double seconds = (System.nanoTime() - started) / 1e9;
                            if (report == Report.JSON) {
                                printJson(sent, reader, latest, seconds);
                            } else {
                                view.draw(reader, sent);
                                System.out.printf(Locale.ROOT, "%nDone: %,d events trained, model version %d, %d dead letters, %d alerts, %.1f s%n",
                                        latest.getEventsTrained(), latest.getVersion(), reader.deadLetters.size(),
                                        reader.alerts.size(), seconds);
                            }
                            return 0;
                        }
                    }
                    if (app.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR
                            || app.state() == org.apache.kafka.streams.KafkaStreams.State.NOT_RUNNING) {
                        throw new UserFacingException("the stream processor stopped (" + app.state() + "); see the log above");
                    }
                }
            }
        }
    }

    private static void printJson(EventPublisher.Sent sent, OutputReader reader, ModelSnapshot latest, double seconds)
            throws Exception {
        TrainingMetrics metrics = reader.latestMetrics.get("default");
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("eventsProduced", sent.valid());
        root.put("badRecordsProduced", sent.bad());
        root.put("eventsTrained", latest.getEventsTrained());
        root.put("modelVersion", latest.getVersion());
        root.put("optimizerSteps", latest.getOptimizerSteps());
        root.put("deadLetters", reader.deadLetters.size());
        root.put("alerts", reader.alerts.size());
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
        private final boolean terminal = System.console() != null;
        private long lastDrawn;

        LiveView(PrintStream out) {
            this.out = out;
        }

        void draw(OutputReader reader, EventPublisher.Sent sent) {
            long now = System.currentTimeMillis();
            if (out == null || now - lastDrawn < (terminal ? 1000 : 5000)) {
                return;
            }
            lastDrawn = now;
            ModelSnapshot snapshot = reader.latestSnapshots.get("default");
            TrainingMetrics metrics = reader.latestMetrics.get("default");
            if (!terminal) {
                out.printf(Locale.ROOT, "produced %,d (+%d bad)  trained %,d  version %d  macro-F1 %.3f  dead letters %d  alerts %d%n",
                        sent.valid(), sent.bad(), snapshot == null ? 0 : snapshot.getEventsTrained(),
                        snapshot == null ? 0 : snapshot.getVersion(), metrics == null ? 0.0 : metrics.getMacroF1(),
                        reader.deadLetters.size(), reader.alerts.size());
                return;
            }
            StringBuilder screen = new StringBuilder("\033[H\033[2J");
            screen.append(String.format(Locale.ROOT, "Ballast demo  produced %,d (+%d malformed)  trained %,d  model version %d  %s%n%n",
                    sent.valid(), sent.bad(), snapshot == null ? 0 : snapshot.getEventsTrained(),
                    snapshot == null ? 0 : snapshot.getVersion(),
                    metrics == null ? "" : String.format(Locale.ROOT, "%,.0f events/s", metrics.getEventsPerSecond())));
            screen.append(String.format(Locale.ROOT, "%-8s %10s %8s %9s %9s %7s %7s %7s%n", "label", "prevalence",
                    "weight", "threshold", "precision", "recall", "F1", "PR-AUC"));
            if (metrics != null) {
                for (LabelMetrics label : metrics.getLabels()) {
                    screen.append(String.format(Locale.ROOT, "%-8s %9.2f%% %8.2f %9.3f %9.3f %7.3f %7.3f %7.3f%n",
                            label.getName(), label.getPrevalence() * 100, label.getPosWeight(), label.getThreshold(),
                            label.getPrecision(), label.getRecall(), label.getF1(), label.getAuprc()));
                }
                screen.append(String.format(Locale.ROOT, "%nmacro-F1 %.3f  micro-F1 %.3f  collapsed labels %d%n",
                        metrics.getMacroF1(), metrics.getMicroF1(), metrics.getCollapsedLabels()));
            }
            screen.append(String.format(Locale.ROOT, "dead letters %d  alerts %d%n", reader.deadLetters.size(), reader.alerts.size()));
            List<ImbalanceAlert> recent = reader.alerts.subList(Math.max(0, reader.alerts.size() - 5), reader.alerts.size());
            for (ImbalanceAlert alert : recent) {
                screen.append("  ").append(alert.getMessage()).append('\n');
            }
            out.print(screen);
            out.flush();
        }
    }
}
