package dev.ballast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.bench.Bench;
import dev.ballast.bench.BenchReport;
import dev.ballast.bench.BenchSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure throughput, memory and snapshot latency on an in-process broker.",
            "",
            "Ballast beside a pass-through Kafka Streams app on the same in-process broker, with the same serde and "
                + "exactly-once settings; the learner alone for dense 30x10, 300x30, 1000x100 and a sparse IMDB-like "
                + "shape at batch sizes 1, 32 and 256; memory of a warmed-up 1000x100 model; the heap trend over the "
                + "run; event-to-snapshot latency; Ballast scoring and joining over as many events of which half "
                + "come unlabelled, their labels 0-1 s later. Progress on stderr, figures on stdout. Time it on an otherwise idle "
                + "machine.", ""},
        footer = {"", "Examples:",
            "  ballast bench --quick                          # under a minute",
            "  ballast bench --report json > bench.json",
            "  ballast bench --events 2000000                 # longer, for the heap trend",
            "  ballast bench --set ballast.model.type=mlp     # bench other settings"})
final class BenchCommand implements Callable<Integer> {

    enum Report { TABLE, JSON }

    @Option(names = "--quick", description = "Fewer events and shorter measurements: finishes within a minute.")
    boolean quick;

    @Option(names = "--events", paramLabel = "N",
            description = "Events through each Kafka Streams app (default 1,000,000; 32,000 with --quick).")
    Long events;

    @Option(names = "--rounds", paramLabel = "N",
            description = "Times both apps run over the events; the last round is reported, the ones before warm "
                    + "the JIT up (default 2; 1 with --quick).")
    Integer rounds;

    @Option(names = "--report", defaultValue = "table", description = "table (default) or json: one JSON object on stdout.")
    Report report;

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Write a Java Flight Recording (profile settings) of the training app's timed window.")
    Path jfr;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = quick ? BenchSettings.quick() : BenchSettings.standard();
        if (rounds != null) {
            settings = settings.withRounds(rounds);
        }
        if (events != null) {
            settings = settings.withEvents(events);
        }
        if (jfr != null) {
            settings = settings.withJfrRecording(jfr);
        }
        BenchReport result = Bench.run(settings, configOptions.load(Map.of()), System.err);
        if (report == Report.JSON) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            System.out.println(mapper.writeValueAsString(result.toJson(mapper)));
        } else {
            result.printTable(System.out);
        }
        return 0;
    }
}
