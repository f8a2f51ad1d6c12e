package dev.ballast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.config.BallastConfig;
import dev.ballast.cluster.StartupChecks;
import dev.ballast.monitoring.MetricsFeed;
import dev.ballast.monitoring.ModelView;
import dev.ballast.schema.LabelState;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.topology.ModelReset;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Print the latest model snapshot of each model from the model-update topic.",
            "",
            "Per model the version, events trained and optimiser steps; per label the decayed prevalence, weight and "
                + "threshold in force.", ""},
        footer = {"", "Examples:",
            "  ballast models --config config/production.properties",
            "  ballast models --model fraud --json"},
        subcommands = ModelsCommand.Reset.class)
final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--model", description = "Only this model id.")
    String modelId;

    @Option(names = "--json", description = "One JSON object on stdout: {\"models\":[...]}.")
    boolean json;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        BallastConfig config = new BallastConfig(configOptions.load(Map.of()));
        StartupChecks.requireClientSettings(config.nonBallastProperties());
        try (MetricsFeed feed = new MetricsFeed(config, config.nonBallastProperties(), 1)) {
            feed.readToEnd(Duration.ofSeconds(30));
            Map<String, ModelSnapshot> latestSnapshots = new TreeMap<>();
            for (ModelView model : feed.view().models().values()) {
                if (modelId == null || modelId.equals(model.modelId())) {
                    model.latestSnapshot().ifPresent(snapshot -> latestSnapshots.put(model.modelId(), snapshot));
                }
            }
            if (json) {
                System.out.println(toJson(latestSnapshots));
            } else {
                latestSnapshots.values().forEach(ModelsCommand::print);
                if (latestSnapshots.isEmpty()) {
                    System.out.println("No model snapshots on " + config.getString(BallastConfig.MODEL_UPDATES_TOPIC) + " yet.");
                }
            }
        }
        return 0;
    }

    static String toJson(Map<String, ModelSnapshot> snapshots) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ArrayNode models = root.putArray("models");
        for (ModelSnapshot snapshot : snapshots.values()) {
            ObjectNode model = models.addObject();
            model.put("model", snapshot.getModelId());
            model.put("version", snapshot.getVersion());
            model.put("eventsTrained", snapshot.getEventsTrained());
            model.put("steps", snapshot.getOptimizerSteps());
            model.put("skippedSteps", snapshot.getSkippedSteps());
            model.put("architecture", snapshot.getArchitecture());
            model.put("createdAt", snapshot.getCreatedAt().toString());
            ObjectNode hyperParameters = model.putObject("hyperParameters");
            new TreeMap<>(snapshot.getHyperParameters()).forEach(hyperParameters::put);
            ArrayNode labels = model.putArray("labels");
            for (LabelState label : snapshot.getLabels()) {
                ObjectNode node = labels.addObject();
                node.put("name", label.getName());
                node.put("prevalence", label.getPrevalence());
                node.put("posWeight", label.getPosWeight());
                node.put("negWeight", label.getNegWeight());
                node.put("threshold", label.getThreshold());
            }
        }
        return mapper.writeValueAsString(root);
    }

    private static void print(ModelSnapshot snapshot) {
        System.out.printf(Locale.ROOT, "model %s  version %d  events %,d  steps %,d  (%s, %s)%n", snapshot.getModelId(),
                snapshot.getVersion(), snapshot.getEventsTrained(), snapshot.getOptimizerSteps(),
                snapshot.getArchitecture(), snapshot.getCreatedAt());
        System.out.printf(Locale.ROOT, "  %-20s %10s %9s %9s%n", "label", "prevalence", "posWeight", "threshold");
        for (LabelState label : snapshot.getLabels()) {
            System.out.printf(Locale.ROOT, "  %-20s %10.4f %9.2f %9.3f%n", label.getName(), label.getPrevalence(),
                    label.getPosWeight(), label.getThreshold());
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Delete one model's saved state so that the next start trains it afresh.",
                "",
                "Deletes its entries in the app's changelogged store and its snapshot (a tombstone on the model-update "
                    + "topic; consumers drop the model). Every instance of the app must be stopped. The way out when a "
                    + "saved model cannot take a changed feature count, model type, hidden size or label list.", ""},
            footer = {"", "Examples:",
                "  ballast models reset --model fraud --config config/production.properties"})
    static final class Reset implements Callable<Integer> {

        @Option(names = "--model", required = true, description = "The model id to reset.")
        String modelId;

        @Mixin
        ConfigOptions configOptions;

        @Override
        public Integer call() throws Exception {
            BallastConfig config = new BallastConfig(configOptions.load(Map.of()));
            ModelReset.Result result;
            try {
                result = ModelReset.reset(config, modelId);
            } catch (ModelReset.AppRunning e) {
                throw new UserFacingException(e.getMessage(), e);
            }
            System.out.printf(Locale.ROOT, "Model '%s' reset: %d store entries deleted (tombstones on %s), snapshot "
                    + "deleted (tombstone on %s). The next start trains it afresh.%n", modelId, result.storeEntries(),
                    result.changelogTopic(), config.getString(BallastConfig.MODEL_UPDATES_TOPIC));
            return 0;
        }
    }
}
