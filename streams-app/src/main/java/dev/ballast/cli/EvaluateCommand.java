package dev.ballast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.config.BallastConfig;
import dev.ballast.io.DataFormat;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.ExampleSource;
import dev.ballast.io.ExampleSources;
import dev.ballast.learning.NativeRuntime;
import dev.ballast.training.EvaluationReport;
import dev.ballast.training.PrequentialEvaluation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run the learner prequentially over a file, no Kafka: each mini-batch is predicted before it is learned from.",
            "Reports per-label precision, recall, F1 and PR-AUC, macro/micro F1 and collapsed labels.",
            "",
            "Formats: MEKA ARFF ('-C N' in @relation: the first N attributes are labels; -N: the last N),",
            "CSV (header; label columns named 'label:<name>') and JSONL (see the README).",
            "Files sorted by label set flatter any online learner: compare with --shuffle SEED.",
            ""},
        footer = {"", "Examples:",
            "  ballast evaluate --input Yeast.arff",
            "  ballast evaluate --input Yeast.arff --set ballast.weighting.policy=none \\",
            "                   --report json",
            "  ballast evaluate --input events.jsonl --shuffle 7 \\",
            "                   --set ballast.model.type=mlp",
            "  ballast evaluate --synthetic 200000 \\",
            "                   --set ballast.weighting.policy=inverse-prevalence"})
final class EvaluateCommand implements Callable<Integer> {

    enum ReportFormat { TABLE, JSON }

    static final class Input {
        @Option(names = "--input", paramLabel = "FILE", description = "The data file.")
        Path file;

        @Option(names = "--synthetic", paramLabel = "N",
                description = "N events of the built-in drifting, imbalanced stream (the demo's) instead of a file.")
        Long synthetic;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--format", paramLabel = "FORMAT", description = "arff, csv or jsonl (default: from the file name).")
    DataFormat format;

    @Option(names = "--report", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default) or json: exactly one JSON object on stdout.")
    ReportFormat report;

    @Option(names = "--shuffle", paramLabel = "SEED",
            description = "Evaluate on a copy shuffled with this seed (holds the file in memory).")
    Long shuffleSeed;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        BallastConfig config = new BallastConfig(configOptions.load(Map.of()));
        NativeRuntime.configure(config.getInt(BallastConfig.NATIVE_THREADS));
        EvaluationReport result;
        Map<String, String> effective;
        try (ExampleSource opened = open()) {
            ExampleSource source = shuffleSeed == null ? opened : ExampleSources.shuffled(opened, shuffleSeed);
            Map<String, String> withData = new HashMap<>(config.originalStrings());
            withData.put(BallastConfig.MODEL_FEATURES, Integer.toString(source.featureCount()));
            withData.put(BallastConfig.MODEL_LABELS, String.join(",", source.labelNames()));
            BallastConfig dataConfig = new BallastConfig(withData);
            effective = dataConfig.effectiveBallastSettings();
            ProgressBar bar = noProgress ? ProgressBar.silent() : ProgressBar.onTerminal(System.err, inputName());
            result = PrequentialEvaluation.run(source, dataConfig.trainerSettings(),
                    events -> bar.update(events, source.position(), source.size()));
            bar.finish();
        }
        if (report == ReportFormat.JSON) {
            printJson(result, effective, System.out);
        } else {
            printTable(result, System.out);
        }
        return 0;
    }

    private ExampleSource open() throws java.io.IOException {
        if (input.file != null) {
            return ExampleSources.open(input.file, format);
        }
        return new DriftingStream(DriftingStreamSpec.demo(), input.synthetic);
    }

    private String inputName() {
        return input.file != null ? input.file.getFileName().toString() : "synthetic drifting stream";
    }

    private void printJson(EvaluationReport result, Map<String, String> settings, PrintStream out) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("input", input.file != null ? input.file.toString() : "synthetic:" + input.synthetic);
        root.put("shuffleSeed", shuffleSeed);
        root.put("events", result.events());
        root.put("macroF1", result.macroF1());
        root.put("microF1", result.microF1());
        root.put("macroPrecision", result.macroPrecision());
        root.put("macroRecall", result.macroRecall());
        root.put("macroAuprc", result.macroAuprc());
        root.put("collapsedLabels", result.collapsedLabels());
        root.put("skippedSteps", result.skippedSteps());
        root.put("eventsPerSecond", result.eventsPerSecond());
        root.put("seconds", result.seconds());
        ObjectNode settingsNode = root.putObject("settings");
        settings.forEach(settingsNode::put);
        ArrayNode labels = root.putArray("labels");
        for (EvaluationReport.Label label : result.labels()) {
            ObjectNode node = labels.addObject();
            node.put("name", label.name());
            node.put("positives", label.positives());
            node.put("prevalence", label.prevalence());
            node.put("posWeight", label.posWeight());
            node.put("threshold", label.threshold());
            node.put("precision", label.precision());
            node.put("recall", label.recall());
            node.put("f1", label.f1());
            node.put("auprc", label.auprc());
            node.put("collapsed", label.collapsed());
        }
        out.println(mapper.writeValueAsString(root));
    }

    private void printTable(EvaluationReport result, PrintStream out) {
        out.printf(Locale.ROOT, "%s: %,d events, prequential, %.1f s (%,.0f events/s)%n", inputName(),
                result.events(), result.seconds(), result.eventsPerSecond());
        out.printf(Locale.ROOT, "%-24s %9s %10s %8s %8s %9s %7s %7s %7s%n", "label", "positives", "prevalence",
                "weight", "thresh", "precision", "recall", "F1", "PR-AUC");
        for (EvaluationReport.Label label : result.labels()) {
            out.printf(Locale.ROOT, "%-24s %9d %10.4f %8.2f %8.3f %9.3f %7.3f %7.3f %7.3f%s%n", label.name(),
                    label.positives(), label.prevalence(), label.posWeight(), label.threshold(), label.precision(),
                    label.recall(), label.f1(), label.auprc(), label.collapsed() ? "  collapsed" : "");
        }
        out.printf(Locale.ROOT, "macro-F1 %.4f  micro-F1 %.4f  macro-recall %.4f  macro-PR-AUC %.4f  collapsed labels %d%s%n",
                result.macroF1(), result.microF1(), result.macroRecall(), result.macroAuprc(), result.collapsedLabels(),
                result.skippedSteps() > 0 ? "  skipped steps " + result.skippedSteps() : "");
    }
}
