package dev.ballast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.client.PredictionSubscriber;
import dev.ballast.config.BallastConfig;
import dev.ballast.schema.LabelScore;
import dev.ballast.schema.Prediction;
import dev.ballast.cluster.StartupChecks;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predictions", mixinStandardHelpOptions = true,
        description = {"Print the scores Ballast served to unlabelled events, from the predictions topic.",
            "",
            "One line per event: when it was scored, the model and the snapshot version that scored it, the event id, "
                + "then each label's probability, marked * when predicted positive. Without --follow it stops at the "
                + "end of the topic.", ""},
        footer = {"", "Examples:",
            "  ballast predictions --model fraud --follow",
            "  ballast predictions --json | jq .modelVersion"})
final class PredictionsCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(500);
    /** In a holder: building the command line creates every command, and a one-shot command need not load Jackson. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    @Option(names = "--model", description = "Only this model id.")
    String modelId;

    @Option(names = "--follow", description = "Keep printing new predictions as they come (Ctrl-C stops).")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        BallastConfig config = new BallastConfig(configOptions.load(Map.of()));
        // The same start-up checks and messages as every command that talks to Kafka and the registry.
        StartupChecks.requireClientSettings(config.nonBallastProperties());
        StartupChecks.awaitKafkaAndRegistry(config);
        String topic = config.getString(BallastConfig.PREDICTIONS_TOPIC);
        long printed = 0;
        try (PredictionSubscriber predictions = PredictionSubscriber.builder().properties(config.nonBallastProperties())
                .topic(topic).modelId(modelId).build()) {
            long started = System.nanoTime();
            while (true) {
                for (Prediction prediction : predictions.poll(POLL)) {
                    System.out.println(json ? toJson(prediction) : line(prediction));
                    printed++;
                }
                if (!follow && (predictions.caughtUp()
                        || System.nanoTime() - started > Duration.ofSeconds(10).toNanos() && printed == 0)) {
                    break;
                }
            }
        }
        if (!json && printed == 0) {
            System.out.println("No predictions on " + topic + (modelId == null ? "" : " for model " + modelId) + ".");
        }
        return 0;
    }

    static String line(Prediction prediction) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s  %s v%d  %s ", prediction.getScoredAt(),
                prediction.getModelId(), prediction.getModelVersion(), prediction.getEventId()));
        for (LabelScore score : prediction.getLabels()) {
            line.append(String.format(Locale.ROOT, " %s=%.3f%s", score.getName(), score.getProbability(),
                    score.getPredicted() ? "*" : ""));
        }
        return line.toString();
    }

    static String toJson(Prediction prediction) throws Exception {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("eventId", prediction.getEventId());
        root.put("modelId", prediction.getModelId());
        root.put("modelVersion", prediction.getModelVersion());
        root.put("scoredAt", prediction.getScoredAt().toString());
        ArrayNode labels = root.putArray("labels");
        for (LabelScore score : prediction.getLabels()) {
            labels.addObject().put("name", score.getName()).put("probability", score.getProbability())
                    .put("threshold", score.getThreshold()).put("predicted", score.getPredicted());
        }
        return Json.MAPPER.writeValueAsString(root);
    }
}
