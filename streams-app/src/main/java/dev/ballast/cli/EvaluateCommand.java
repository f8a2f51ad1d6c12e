package dev.ballast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.config.BallastConfig;
import dev.ballast.evaluation.LabelReport;
import dev.ballast.io.DataFormat;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.ExampleSource;
import dev.ballast.io.ExampleSources;
import dev.ballast.io.ExampleWriter;
import dev.ballast.io.ExampleWriters;
import dev.ballast.learning.NativeRuntime;
import dev.ballast.training.EvaluationReport;
import dev.ballast.training.PrequentialEvaluation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
            "Files sorted by label set flatter any online learner: compare with --shuffle SEED, or average over",
            "many shuffled copies with --shuffle 1-20 (one row per copy and a mean per setting); --synthetic-seed",
            "1-10 does the same over ten synthetic streams. With several copies, every setting is also compared",
            "with the first, paired copy by copy: the mean macro-F1 difference, its standard error, and the copies",
            "where it is higher and lower (a difference within about two standard errors is noise).",
            "--score-from 0.6667 counts only the last third (the learner still learns from every event), to compare",
            "with a batch learner trained on the first two thirds. --sweep runs every combination of the values",
            "given on the same data and prints one row per run. --window N adds the figures of every N events",
            "(per label in the JSON report): how quality moves around the shifts of a drifting stream.",
            "--export FILE writes the events instead of evaluating them, in the order the learner would see them,",
            "so that another library can be scored on exactly the same stream (e.g. scripts/river_baselines.py).",
            ""},
        footer = {"", "Examples:",
            "  ballast evaluate --input Yeast.arff",
            "  ballast evaluate --input Yeast.arff --set ballast.weighting.policy=none \\",
            "                   --report json",
            "  ballast evaluate --input events.jsonl --shuffle 7 \\",
            "                   --set ballast.model.type=mlp",
            "  ballast evaluate --synthetic 200000 \\",
            "                   --set ballast.weighting.policy=inverse-prevalence",
            "  ballast evaluate --input Music.arff --score-from 0.6667",
            "  ballast evaluate --synthetic 200000 --window 1000 --report json",
            "  ballast evaluate --input Yeast.arff --shuffle 1 \\",
            "                   --sweep ballast.weighting.policy=none,log \\",
            "                   --sweep ballast.optimizer.learning.rate=0.05,0.1",
            "  ballast evaluate --input Music.arff --shuffle 1-20 --score-from 0.6667 \\",
            "                   --sweep ballast.weighting.policy=none,log",
            "  ballast evaluate --synthetic 200000 --synthetic-seed 1 --export drift-1.csv",
            "  ballast evaluate --synthetic 100000 --synthetic-sparse 1000:20",
            "  ballast evaluate --synthetic 200000 --synthetic-gradual \\",
            "                   --sweep ballast.weighting.policy=log,none",
            "  ballast evaluate --synthetic 200000 --synthetic-seed 1-10 \\",
            "                   --sweep ballast.weighting.policy=log,none"})
final class EvaluateCommand implements Callable<Integer> {

    /** In a holder: building the command line creates every command, and a one-shot command need not load Jackson. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    enum ReportFormat { TABLE, JSON }

    static final class Input {
        @Option(names = "--input", paramLabel = "FILE", description = "The data file.")
        Path file;

        @Option(names = "--synthetic", paramLabel = "N",
                description = "N events of the built-in drifting, imbalanced stream (the demo's) instead of a file.")
        Long synthetic;
    }

    @Option(names = "--synthetic-seed", paramLabel = "SEEDS",
            description = "Seed of the --synthetic stream: its label directions, prevalence schedule and samples "
                    + "(default: the demo's, 42); a list (1,2,3) or a range (1-10) evaluates every setting on each "
                    + "of those streams and adds its mean over them.")
    String syntheticSeeds;

    @Option(names = "--synthetic-sparse", paramLabel = "FEATURES:NONZEROS",
            description = "Make the --synthetic stream sparse: FEATURES features, NONZEROS of them non-zero in each "
                    + "event (e.g. 1000:20, text-like rows); the labels stay linear within each row's non-zeros.")
    String syntheticSparse;

    @Option(names = "--synthetic-gradual",
            description = "Make the --synthetic stream's prevalences drift gradually: each drifting label moves "
                    + "tenfold, log-linearly, over every 20,000-event period instead of jumping tenfold at once at "
                    + "its end: how the half-lives follow a prevalence that never jumps.")
    boolean syntheticGradual;


    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--format", paramLabel = "FORMAT", description = "arff, csv or jsonl (default: from the file name).")
    DataFormat format;

    @Option(names = "--report", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default) or json: exactly one JSON object on stdout.")
    ReportFormat report;

    @Option(names = "--shuffle", paramLabel = "SEEDS",
            description = "Evaluate on a copy shuffled with this seed (holds the file in memory); a list (1,2,3) or a "
                    + "range (1-20) evaluates every setting on each of those copies and adds its mean over them.")
    String shuffleSeeds;

    @Option(names = "--score-from", paramLabel = "FRACTION",
            description = "Count metrics only from this fraction of the events on (0 to 1, e.g. 0.6667 for the last "
                    + "third); every event is still learned from. Holds the file in memory.")
    Double scoreFrom;

    @Option(names = "--window", paramLabel = "EVENTS",
            description = "Also report the figures of every window of this many events (the first from event 0), "
                    + "counted afresh per window: how quality moves along a drifting stream.")
    Long windowEvents;

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...",
            description = "Evaluate once per value (repeatable: every combination), on the same data; one row each.")
    List<String> sweeps = new ArrayList<>();

    @Option(names = "--export", paramLabel = "FILE",
            description = "Write the events to FILE instead of evaluating them, in the order --shuffle gives; CSV, "
                    + "ARFF or JSONL by the file's extension. Replaces FILE.")
    Path exportFile;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    @Mixin
    ConfigOptions configOptions;

    /**
     * What one run reads: the seed of the shuffled copy (null for the data's own order) and, for --synthetic, the
     * stream's seed (null for a file).
     */
    record Copy(Long shuffleSeed, Long syntheticSeed) {
    }

    /** One evaluation: the swept settings it ran with (empty without --sweep), the data it ran on and its figures. */
    record Run(Map<String, String> swept, Copy copy, Map<String, String> effective, EvaluationReport report) {

        Long shuffleSeed() {
            return copy.shuffleSeed();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (scoreFrom != null && !(scoreFrom >= 0 && scoreFrom < 1)) {
            throw new UserFacingException("--score-from must be at least 0 and below 1, got " + scoreFrom);
        }
        if (windowEvents != null && windowEvents < 1) {
            throw new UserFacingException("--window must be at least 1 event, got " + windowEvents);
        }
        List<Long> seeds = seedList(shuffleSeeds, "--shuffle");
        List<Long> streamSeeds = seedList(syntheticSeeds, "--synthetic-seed");
        if (syntheticSeeds != null && input.synthetic == null) {
            throw new UserFacingException("--synthetic-seed seeds the --synthetic stream; a file has its own events");
        }
        if (syntheticSparse != null && input.synthetic == null) {
            throw new UserFacingException("--synthetic-sparse shapes the --synthetic stream; a file has its own shape");
        }
        if (syntheticGradual && input.synthetic == null) {
            throw new UserFacingException("--synthetic-gradual shapes the --synthetic stream; a file has its own "
                    + "prevalences");
        }
        if (seeds.size() > 1 && input.synthetic != null) {
            throw new UserFacingException("--shuffle takes one seed with --synthetic; vary --synthetic-seed instead");
        }
        List<Copy> copies = new ArrayList<>();
        if (input.synthetic != null) {
            for (Long streamSeed : streamSeeds) {
                copies.add(new Copy(seeds.get(0), syntheticSpec(streamSeed).seed()));
            }
        } else {
            seeds.forEach(seed -> copies.add(new Copy(seed, null)));
        }
        if (exportFile != null) {
            if (copies.size() > 1) {
                throw new UserFacingException("--export writes one copy: give --shuffle (or --synthetic-seed) one seed");
            }
            return export(copies.get(0));
        }
        Map<String, String> base = configOptions.load(Map.of());
        BallastConfig config = new BallastConfig(base);
        NativeRuntime.configure(config.getInt(BallastConfig.NATIVE_THREADS));
        List<Run> runs = new ArrayList<>();
        for (Map<String, String> swept : combinations(sweeps)) {
            Map<String, String> settings = new HashMap<>(base);
            settings.putAll(swept);
            for (Copy copy : copies) {
                runs.add(evaluate(new BallastConfig(settings), swept, copy));
            }
        }
        if (runs.size() == 1 && sweeps.isEmpty()) {
            Run run = runs.get(0);
            if (report == ReportFormat.JSON) {
                System.out.println(Json.MAPPER.writeValueAsString(toJson(run)));
            } else {
                printTable(run.report(), System.out);
            }
        } else if (report == ReportFormat.JSON) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            ArrayNode array = root.putArray("runs");
            runs.forEach(run -> array.add(toJson(run)));
            if (copies.size() > 1) {
                ArrayNode means = root.putArray("means");
                for (Mean mean : means(runs)) {
                    ObjectNode node = means.addObject();
                    mean.swept().forEach(node.putObject("swept")::put);
                    node.put(input.synthetic != null ? "syntheticSeeds" : "shuffledCopies", mean.runs());
                    node.put("macroF1", mean.macroF1());
                    node.put("microF1", mean.microF1());
                    node.put("macroRecall", mean.macroRecall());
                    node.put("macroAuprc", mean.macroAuprc());
                    node.put("runsWithCollapsedLabels", mean.runsWithCollapsedLabels());
                }
                List<Paired> pairs = paired(runs);
                if (!pairs.isEmpty()) {
                    ArrayNode paired = root.putArray("paired");
                    for (Paired pair : pairs) {
                        ObjectNode node = paired.addObject();
                        pair.swept().forEach(node.putObject("swept")::put);
                        pair.against().forEach(node.putObject("against")::put);
                        node.put("copies", pair.copies());
                        node.put("macroF1Difference", pair.meanDifference());
                        node.put("standardError", pair.standardError());
                        node.put("higherIn", pair.higherIn());
                        node.put("lowerIn", pair.lowerIn());
                    }
                }
            }
            System.out.println(Json.MAPPER.writeValueAsString(root));
        } else {
            printSweep(runs, System.out);
        }
        return 0;
    }

    /**
     * The seeds an option ({@code --shuffle}, {@code --synthetic-seed}) names: one seed, a comma list or an inclusive
     * range {@code FIRST-LAST}; a single null (the default) without the option.
     */
    static List<Long> seedList(String option, String name) {
        if (option == null) {
            return Collections.singletonList(null);
        }
        List<Long> seeds = new ArrayList<>();
        try {
            int dash = option.indexOf('-', 1);
            if (dash > 0 && !option.contains(",")) {
                long first = Long.parseLong(option.substring(0, dash).trim());
                long last = Long.parseLong(option.substring(dash + 1).trim());
                if (last < first || last - first >= 10_000) {
                    throw new UserFacingException(name + " range " + option + " must go up, by at most 10,000 seeds");
                }
                for (long seed = first; seed <= last; seed++) {
                    seeds.add(seed);
                }
            } else {
                for (String part : option.split(",")) {
                    seeds.add(Long.parseLong(part.trim()));
                }
            }
        } catch (NumberFormatException e) {
            throw new UserFacingException(name + " needs SEED, SEED,SEED,... or FIRST-LAST, got '" + option + "'");
        }
        if (seeds.stream().distinct().count() != seeds.size()) {
            throw new UserFacingException(name + " names a seed twice: " + option);
        }
        return seeds;
    }

    /**
     * Every combination of the swept values, the first --sweep varying slowest; one empty combination without
     * --sweep.
     */
    static List<Map<String, String>> combinations(List<String> sweeps) {
        List<Map<String, String>> combinations = List.of(new LinkedHashMap<>());
        for (String sweep : sweeps) {
            int equals = sweep.indexOf('=');
            String key = equals < 0 ? "" : sweep.substring(0, equals).trim();
            List<String> values = equals < 0 ? List.of() : Arrays.stream(sweep.substring(equals + 1).split(","))
                    .map(String::trim).filter(value -> !value.isEmpty()).toList();
            if (key.isEmpty() || values.isEmpty()) {
                throw new UserFacingException("--sweep needs KEY=V1,V2,..., got '" + sweep + "'");
            }
            if (combinations.get(0).containsKey(key)) {
                throw new UserFacingException("--sweep names " + key + " twice");
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> combination : combinations) {
                for (String value : values) {
                    Map<String, String> extended = new LinkedHashMap<>(combination);
                    extended.put(key, value);
                    next.add(extended);
                }
            }
            combinations = next;
        }
        return combinations;
    }

    /** --export: the events as {@link #evaluate} would see them, written to a file; nothing is learnt. */
    private int export(Copy copy) throws java.io.IOException {
        Long shuffleSeed = copy.shuffleSeed();
        if (!sweeps.isEmpty() || scoreFrom != null || windowEvents != null) {
            throw new UserFacingException("--export writes the events and evaluates nothing: "
                    + "drop --sweep, --score-from and --window");
        }
        DataFormat exportFormat;
        try {
            exportFormat = DataFormat.fromFileName(exportFile);
        } catch (IllegalArgumentException e) {
            throw new UserFacingException("--export " + e.getMessage());
        }
        long written = 0;
        try (ExampleSource opened = open(copy);
             ExampleSource source = shuffleSeed != null ? ExampleSources.shuffled(opened, shuffleSeed) : opened;
             ExampleWriter writer = openExport(exportFormat, source)) {
            ProgressBar bar = progressBar();
            while (source.hasNext()) {
                writer.write(source.next());
                bar.update(++written, source.position(), source.size());
            }
            bar.finish();
            System.out.printf(Locale.ROOT, "Wrote %,d events (%d labels, %d features) to %s%n", written,
                    source.labelNames().size(), source.featureCount(), exportFile);
        }
        return 0;
    }

    /** The export's writer; names the format cannot hold are the user's to change, not a crash. */
    private ExampleWriter openExport(DataFormat exportFormat, ExampleSource source) throws java.io.IOException {
        try {
            return ExampleWriters.open(exportFile, exportFormat, source.labelNames(), source.featureNames());
        } catch (IllegalArgumentException e) {
            throw new UserFacingException("--export " + exportFile + ": " + e.getMessage());
        }
    }

    private Run evaluate(BallastConfig config, Map<String, String> swept, Copy copy) throws java.io.IOException {
        Long shuffleSeed = copy.shuffleSeed();
        try (ExampleSource opened = open(copy)) {
            ExampleSource source = shuffleSeed != null ? ExampleSources.shuffled(opened, shuffleSeed)
                    : scoreFrom != null && input.file != null ? ExampleSources.buffered(opened) : opened;
            Map<String, String> withData = new HashMap<>(config.originalStrings());
            withData.put(BallastConfig.MODEL_FEATURES, Integer.toString(source.featureCount()));
            withData.put(BallastConfig.MODEL_LABELS, String.join(",", source.labelNames()));
            BallastConfig dataConfig = new BallastConfig(withData);
            // Every buffered or generated source counts its size in events.
            long firstScored = scoreFrom == null ? 0 : (long) (scoreFrom * source.size());
            ProgressBar bar = progressBar();
            EvaluationReport result = PrequentialEvaluation.run(source, dataConfig.trainerSettings(), firstScored,
                    windowEvents == null ? 0 : windowEvents,
                    events -> bar.update(events, source.position(), source.size()));
            bar.finish();
            return new Run(swept, copy, dataConfig.effectiveBallastSettings(), result);
        }
    }

    private ExampleSource open(Copy copy) throws java.io.IOException {
        if (input.file != null) {
            return ExampleSources.open(input.file, format);
        }
        return new DriftingStream(syntheticSpec(copy.syntheticSeed()), input.synthetic);
    }

    /**
     * The demo's drifting stream with the given seed (null: the demo's), --synthetic-sparse and --synthetic-gradual
     * applied.
     */
    private DriftingStreamSpec syntheticSpec(Long seed) {
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        int features = demo.featureCount();
        int nonZeros = 0;
        if (syntheticSparse != null) {
            String[] parts = syntheticSparse.split(":");
            try {
                features = Integer.parseInt(parts[0].trim());
                nonZeros = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : -1;
            } catch (NumberFormatException e) {
                nonZeros = -1;
            }
            if (parts.length != 2 || nonZeros < 1 || features < nonZeros) {
                throw new UserFacingException("--synthetic-sparse needs FEATURES:NONZEROS with 1 <= NONZEROS <= "
                        + "FEATURES, got '" + syntheticSparse + "'");
            }
        }
        return new DriftingStreamSpec(features, demo.labelCount(), seed == null ? demo.seed() : seed,
                demo.driftPeriodEvents(), demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(), nonZeros > 0,
                nonZeros, syntheticGradual);
    }

    /** The progress bar of one pass over the input, on stderr unless --no-progress. */
    private ProgressBar progressBar() {
        return noProgress ? ProgressBar.silent() : ProgressBar.onTerminal(System.err, inputName());
    }

    private String inputName() {
        if (input.file != null) {
            return input.file.getFileName().toString();
        }
        return syntheticGradual ? "synthetic gradually drifting stream" : "synthetic drifting stream";
    }

    private ObjectNode toJson(Run run) {
        EvaluationReport result = run.report();
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("input", input.file != null ? input.file.toString() : "synthetic:" + input.synthetic);
        root.put("shuffleSeed", run.shuffleSeed());
        if (input.synthetic != null) {
            DriftingStreamSpec spec = syntheticSpec(run.copy().syntheticSeed());
            root.put("syntheticSeed", spec.seed());
            root.put("driftPeriodEvents", spec.driftPeriodEvents());
            if (syntheticSparse != null) {
                root.put("syntheticSparse", syntheticSparse);
            }
            if (syntheticGradual) {
                root.put("syntheticGradual", true);
            }
        }
        ObjectNode swept = root.putObject("swept");
        run.swept().forEach(swept::put);
        root.put("events", result.events());
        root.put("scoredEvents", result.scoredEvents());
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
        run.effective().forEach(settingsNode::put);
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
        if (windowEvents != null) {
            ArrayNode windows = root.putArray("windows");
            for (EvaluationReport.Window window : result.windows()) {
                ObjectNode windowNode = windows.addObject();
                windowNode.put("firstEvent", window.firstEvent());
                windowNode.put("events", window.events());
                windowNode.put("macroF1", window.macroF1());
                windowNode.put("microF1", window.microF1());
                ArrayNode windowLabels = windowNode.putArray("labels");
                for (LabelReport label : window.labels()) {
                    windowLabels.addObject()
                            .put("name", label.name())
                            .put("positives", (long) label.support())
                            .put("truePositives", (long) label.truePositives())
                            .put("falsePositives", (long) label.falsePositives())
                            .put("falseNegatives", (long) label.falseNegatives())
                            .put("precision", label.precision())
                            .put("recall", label.recall())
                            .put("f1", label.f1());
                }
            }
        }
        return root;
    }

    private void printTable(EvaluationReport result, PrintStream out) {
        out.printf(Locale.ROOT, "%s: %,d events, prequential, %.1f s (%,.0f events/s)%s%n", inputName(),
                result.events(), result.seconds(), result.eventsPerSecond(), scoredNote(result));
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
        for (EvaluationReport.Window window : result.windows()) {
            out.printf(Locale.ROOT, "events %,d-%,d: macro-F1 %.4f  micro-F1 %.4f%n", window.firstEvent(),
                    window.firstEvent() + window.events() - 1, window.macroF1(), window.microF1());
        }
    }

    private static String scoredNote(EvaluationReport result) {
        return result.scoredEvents() == result.events() ? ""
                : String.format(Locale.ROOT, "; figures count the last %,d events", result.scoredEvents());
    }

    private void printSweep(List<Run> runs, PrintStream out) {
        EvaluationReport first = runs.get(0).report();
        out.printf(Locale.ROOT, "%s: %,d events, prequential, %d runs%s%n", inputName(), first.events(), runs.size(),
                scoredNote(first));
        List<String> keys = List.copyOf(runs.get(0).swept().keySet());
        boolean copies = runs.stream().map(Run::copy).distinct().count() > 1;
        boolean synthetic = input.synthetic != null;
        StringBuilder sweptHeader = new StringBuilder();
        for (String key : keys) {
            sweptHeader.append(String.format(Locale.ROOT, "%-" + columnWidth(key, runs) + "s ", shortName(key)));
        }
        String header = copies
                ? sweptHeader + String.format(Locale.ROOT, "%-7s ", synthetic ? "seed" : "shuffle")
                : sweptHeader.toString();
        out.printf(Locale.ROOT, "%s%9s %9s %12s %12s %9s%n", header, "macro-F1", "micro-F1", "macro-recall",
                "macro-PR-AUC", "collapsed");
        for (Run run : runs) {
            String shuffle = copies ? String.format(Locale.ROOT, "%-7d ",
                    synthetic ? run.copy().syntheticSeed() : run.shuffleSeed()) : "";
            EvaluationReport r = run.report();
            out.printf(Locale.ROOT, "%s%s%9.4f %9.4f %12.4f %12.4f %9d%n", sweptColumns(keys, run.swept(), runs),
                    shuffle, r.macroF1(), r.microF1(), r.macroRecall(), r.macroAuprc(), r.collapsedLabels());
        }
        if (copies) {
            // The mean rows' last column counts the runs that collapsed a label, not labels.
            for (Mean mean : means(runs)) {
                out.printf(Locale.ROOT, "%s%-7s %9.4f %9.4f %12.4f %12.4f %9d%n", sweptColumns(keys, mean.swept(), runs),
                        "mean", mean.macroF1(), mean.microF1(), mean.macroRecall(), mean.macroAuprc(),
                        mean.runsWithCollapsedLabels());
            }
            List<Paired> pairs = paired(runs);
            if (!pairs.isEmpty()) {
                Paired anyPair = pairs.get(0);
                out.printf(Locale.ROOT, "macro-F1 against the first setting (%s), paired over the %d %s:%n",
                        anyPair.against().entrySet().stream().map(e -> shortName(e.getKey()) + "=" + e.getValue())
                                .collect(Collectors.joining(", ")), anyPair.copies(),
                        synthetic ? "seeds" : "shuffled copies");
                out.printf(Locale.ROOT, "%s%10s %10s %8s %8s%n", sweptHeader, "difference", "std-error", "higher",
                        "lower");
                for (Paired pair : pairs) {
                    out.printf(Locale.ROOT, "%s%+10.4f %10.4f %8d %8d%n", sweptColumns(keys, pair.swept(), runs),
                            pair.meanDifference(), pair.standardError(), pair.higherIn(), pair.lowerIn());
                }
            }
        }
    }

    /**
     * One setting against the first, over the copies both ran on: the mean of the per-copy macro-F1 differences,
     * its standard error (the differences' sample standard deviation over the root of their count), and on how
     * many copies the setting was higher or lower.
     */
    record Paired(Map<String, String> swept, Map<String, String> against, int copies, double meanDifference,
                  double standardError, int higherIn, int lowerIn) {
    }

    /**
     * Every setting after the first against the first, paired by copy; empty with one setting or one copy. A paired
     * difference varies far less than either setting's own figure from copy to copy, which is what makes a small
     * difference between two settings readable.
     */
    static List<Paired> paired(List<Run> runs) {
        Map<Map<String, String>, Map<Copy, Double>> bySetting = new LinkedHashMap<>();
        for (Run run : runs) {
            bySetting.computeIfAbsent(run.swept(), swept -> new LinkedHashMap<>()).put(run.copy(), run.report().macroF1());
        }
        List<Paired> pairs = new ArrayList<>();
        Iterator<Map.Entry<Map<String, String>, Map<Copy, Double>>> settings = bySetting.entrySet().iterator();
        Map.Entry<Map<String, String>, Map<Copy, Double>> first = settings.next();
        if (first.getValue().size() < 2) {
            return pairs;
        }
        while (settings.hasNext()) {
            Map.Entry<Map<String, String>, Map<Copy, Double>> setting = settings.next();
            double[] differences = first.getValue().entrySet().stream()
                    .filter(copy -> setting.getValue().containsKey(copy.getKey()))
                    .mapToDouble(copy -> setting.getValue().get(copy.getKey()) - copy.getValue()).toArray();
            int n = differences.length;
            double mean = Arrays.stream(differences).average().orElse(Double.NaN);
            double squares = Arrays.stream(differences).map(d -> (d - mean) * (d - mean)).sum();
            double standardError = n > 1 ? Math.sqrt(squares / (n - 1) / n) : Double.NaN;
            pairs.add(new Paired(setting.getKey(), first.getKey(), n, mean, standardError,
                    (int) Arrays.stream(differences).filter(d -> d > 0).count(),
                    (int) Arrays.stream(differences).filter(d -> d < 0).count()));
        }
        return pairs;
    }

    private static String sweptColumns(List<String> keys, Map<String, String> swept, List<Run> runs) {
        StringBuilder row = new StringBuilder();
        for (String key : keys) {
            row.append(String.format(Locale.ROOT, "%-" + columnWidth(key, runs) + "s ", swept.get(key)));
        }
        return row.toString();
    }

    /** One setting's figures averaged over the shuffled copies it ran on. */
    record Mean(Map<String, String> swept, int runs, double macroF1, double microF1, double macroRecall,
                double macroAuprc, int runsWithCollapsedLabels) {
    }

    /** Per combination of swept values, in the order they ran: the mean of its runs' figures. */
    static List<Mean> means(List<Run> runs) {
        Map<Map<String, String>, List<EvaluationReport>> bySetting = new LinkedHashMap<>();
        for (Run run : runs) {
            bySetting.computeIfAbsent(run.swept(), swept -> new ArrayList<>()).add(run.report());
        }
        List<Mean> means = new ArrayList<>();
        bySetting.forEach((swept, reports) -> means.add(new Mean(swept, reports.size(),
                reports.stream().mapToDouble(EvaluationReport::macroF1).average().orElseThrow(),
                reports.stream().mapToDouble(EvaluationReport::microF1).average().orElseThrow(),
                reports.stream().mapToDouble(EvaluationReport::macroRecall).average().orElseThrow(),
                reports.stream().mapToDouble(EvaluationReport::macroAuprc).average().orElseThrow(),
                (int) reports.stream().filter(report -> report.collapsedLabels() > 0).count())));
        return means;
    }

    /** The key without the common "ballast." prefix, as a column header. */
    private static String shortName(String key) {
        return key.startsWith(BallastConfig.PREFIX) ? key.substring(BallastConfig.PREFIX.length()) : key;
    }

    private static int columnWidth(String key, List<Run> runs) {
        int width = shortName(key).length();
        for (Run run : runs) {
            width = Math.max(width, run.swept().get(key).length());
        }
        return width;
    }
}
