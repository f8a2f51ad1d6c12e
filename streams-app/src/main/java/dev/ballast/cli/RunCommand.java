package dev.ballast.cli;

import dev.ballast.config.BallastConfig;
import dev.ballast.topology.BallastApp;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the Ballast stream processor against an existing Kafka and Schema Registry.",
            "",
            "Waits up to ballast.startup.wait.ms for both to answer. Stops gracefully on SIGTERM or Ctrl-C (commits, "
                + "flushes state).", ""},
        footer = {"", "Examples:",
            "  ballast run --config config/production.properties",
            "  ballast run --set bootstrap.servers=localhost:9092 \\",
            "              --set schema.registry.url=http://localhost:8081"})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        BallastConfig config = new BallastConfig(configOptions.load(Map.of()));
        BallastApp app = BallastApp.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "ballast-shutdown"));
        app.awaitStopped();
        return app.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR ? ReadableErrors.FAILURE : 0;
    }
}
