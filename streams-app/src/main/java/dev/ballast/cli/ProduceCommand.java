package dev.ballast.cli;

import dev.ballast.config.BallastConfig;
import dev.ballast.cluster.StartupChecks;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.io.DataFormat;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.ExampleSource;
import dev.ballast.io.ExampleSources;
import dev.ballast.cluster.BallastSerdes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send labelled events to the events topic, from a file or the built-in generator.",
            "",
            "The generator makes drifting, imbalanced multi-label data. --bad-records mixes in malformed records of "
                + "every kind. --label-delay-ms sends events unlabelled and their labels to the labels topic later, "
                + "as a service that scores now and learns the truth later would.", ""},
        footer = {"", "Examples:",
            "  ballast produce --synthetic 100000 --set bootstrap.servers=localhost:9092 \\",
            "                  --set schema.registry.url=http://localhost:8081",
            "  ballast produce --input Yeast.arff --model yeast --config my.properties",
            "  ballast produce --synthetic 10000 --rate 500 --label-delay-ms 2000-30000",
            "  ballast produce --synthetic 5000 --label-delay-ms 100-5000 \\",
            "                  --unlabelled-fraction 0.3"})
final class ProduceCommand implements Callable<Integer> {

    static final class Input {
        @Option(names = "--input", paramLabel = "FILE", description = "ARFF, CSV or JSONL file.")
        Path file;

        @Option(names = "--synthetic", paramLabel = "N", description = "N events from the drifting generator.")
        Long synthetic;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--format", description = "arff, csv or jsonl (default: from the file name).")
    DataFormat format;

    @Option(names = "--model", defaultValue = "default", paramLabel = "ID", description = "Model id (the record key; default ${DEFAULT-VALUE}).")
    String modelId;

    @Option(names = "--bad-records", defaultValue = "0", paramLabel = "N", description = "Malformed records to mix in (default 0).")
    int badRecords;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "EVENTS_PER_S", description = "Events per second; 0 = as fast as possible.")
    double rate;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "Seed of the generator and of where bad records go.")
    long seed;

    @Option(names = "--label-delay-ms", paramLabel = "A-B", description = {"Send events unlabelled and their labels to "
            + "the labels topic A to B ms later (uniform); the command returns once the last label is sent."})
    String labelDelay;

    @Option(names = "--unlabelled-fraction", paramLabel = "F", description = "With --label-delay-ms: the share of "
            + "events sent unlabelled (default 1: all).")
    Double unlabelledFraction;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        BallastConfig config = new BallastConfig(configOptions.load(Map.of()));
        StartupChecks.awaitKafkaAndRegistry(config, List.of(config.getString(BallastConfig.EVENTS_TOPIC)));
        Map<String, Object> client = config.nonBallastProperties();
        BallastSerdes serdes = BallastSerdes.fromConfig(client);
        try (ExampleSource source = open(config);
             EventPublisher publisher = new EventPublisher(client, serdes.events().serializer(),
                     config.getString(BallastConfig.EVENTS_TOPIC))) {
            long max = input.synthetic != null ? input.synthetic : Long.MAX_VALUE;
            List<String> labels = input.file != null ? source.labelNames()
                    : config.forModel(modelId).getList(BallastConfig.MODEL_LABELS);
            if (labelDelay != null) {
                long[] delay = delayRange(labelDelay);
                publisher.lateLabels(config.getString(BallastConfig.LABELS_TOPIC), serdes.labels().serializer(),
                        unlabelledFraction == null ? 1.0 : share(unlabelledFraction), delay[0], delay[1], seed);
            } else if (unlabelledFraction != null) {
                throw new UserFacingException("--unlabelled-fraction needs --label-delay-ms A-B (when the labels follow)");
            }
            EventPublisher.Sent sent = publisher.publish(source, labels, modelId, max, badRecords, rate, seed);
            System.out.printf("Sent %,d events and %,d malformed records to %s%n", sent.valid(), sent.bad(),
                    config.getString(BallastConfig.EVENTS_TOPIC));
            if (labelDelay != null) {
                System.out.printf("%,d of them unlabelled, their labels sent %s ms later to %s%n", publisher.unlabelled(),
                        labelDelay, config.getString(BallastConfig.LABELS_TOPIC));
            }
        }
        return 0;
    }

    /** --unlabelled-fraction, checked: a share in [0, 1]. */
    static double share(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new UserFacingException("--unlabelled-fraction " + fraction + ": expected a share in [0, 1]");
        }
        return fraction;
    }

    /** --label-delay-ms "A-B" (or "A") in milliseconds, 0 <= A <= B. */
    static long[] delayRange(String text) {
        String[] parts = text.trim().split("-", -1);
        try {
            long min = Long.parseLong(parts[0].trim());
            long max = parts.length == 2 ? Long.parseLong(parts[1].trim()) : min;
            if (parts.length <= 2 && min >= 0 && max >= min) {
                return new long[] {min, max};
            }
        } catch (NumberFormatException e) {
            // Reported below with the expected form.
        }
        throw new UserFacingException("--label-delay-ms '" + text + "': expected A-B in milliseconds, 0 <= A <= B");
    }

    private ExampleSource open(BallastConfig config) throws Exception {
        if (input.file != null) {
            return ExampleSources.open(input.file, format);
        }
        BallastConfig model = config.forModel(modelId);
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        DriftingStreamSpec spec = new DriftingStreamSpec(model.getInt(BallastConfig.MODEL_FEATURES),
                model.getList(BallastConfig.MODEL_LABELS).size(), seed, demo.driftPeriodEvents(), demo.minPrevalence(),
                demo.maxPrevalence(), demo.labelNoise(), false, 0);
        return new DriftingStream(spec, input.synthetic);
    }

}
