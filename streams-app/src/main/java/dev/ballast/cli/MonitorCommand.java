package dev.ballast.cli;

import dev.ballast.config.BallastConfig;
import dev.ballast.cluster.StartupChecks;
import dev.ballast.monitoring.FeedView;
import dev.ballast.monitoring.MetricsFeed;
import dev.ballast.monitoring.ModelView;
import dev.ballast.monitoring.TextDashboard;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "monitor", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Watch a running Ballast live from its output topics.",
            "",
            "Per label the prevalence and its trend over the recent metrics records, the weight and threshold in force, "
            + "recall, precision, F1 and PR-AUC; the model version, events/s and the recent alerts. Redraws in place on a terminal, prints one line per model and "
            + "interval otherwise. Ctrl-C stops it.", ""},
        footer = {"", "Examples:",
            "  ballast monitor --config config/production.properties",
            "  ballast monitor --model fraud --once   # print the view once, exit"})
final class MonitorCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "ID", description = "Only this model id.")
    String modelId;

    @Option(names = "--once", description = "Read the topics to their end, print the view once and exit.")
    boolean once;

    @Option(names = "--interval", defaultValue = "2", paramLabel = "SECONDS",
            description = "Refresh interval (default ${DEFAULT-VALUE} s).")
    double intervalSeconds;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws InterruptedException {
        BallastConfig config = new BallastConfig(configOptions.load(Map.of()));
        StartupChecks.requireClientSettings(config.nonBallastProperties());
        PrintStream out = System.out;
        try (MetricsFeed feed = new MetricsFeed(config, config.nonBallastProperties(), TextDashboard.TREND_LENGTH)) {
            feed.readToEnd(Duration.ofSeconds(30));
            if (once) {
                out.print(TextDashboard.render(feed.view(), modelId));
                return 0;
            }
            boolean terminal = System.console() != null;
            Duration interval = Duration.ofMillis(Math.max(100, (long) (intervalSeconds * 1000)));
            while (true) {
                FeedView view = feed.view();
                if (terminal) {
                    out.print("\033[H\033[2J" + TextDashboard.render(view, modelId));
                } else {
                    for (ModelView model : view.models().values()) {
                        if (modelId == null || modelId.equals(model.modelId())) {
                            out.println(TextDashboard.summaryLine(model));
                        }
                    }
                }
                out.flush();
                long next = System.nanoTime() + interval.toNanos();
                while (System.nanoTime() < next) {
                    feed.poll(Duration.ofNanos(Math.max(1, next - System.nanoTime())));
                }
            }
        }
    }
}
