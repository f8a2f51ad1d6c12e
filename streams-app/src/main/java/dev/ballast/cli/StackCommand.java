package dev.ballast.cli;

import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.embedded.kafka.EmbeddedKafkaSettings;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"Run a local Kafka broker (KRaft) and Schema Registry in the foreground.",
            "",
            "A single-node broker and a Schema Registry in this process, like 'confluent local': for development and "
                + "tests. Data is kept in --data-dir across restarts. Both bind 127.0.0.1 only. Ctrl-C stops them.", ""},
        footer = {"", "Examples:",
            "  ballast stack                  # Kafka on 127.0.0.1:9092, registry on :8081",
            "  ballast run --config config/ballast.properties      # in another terminal",
            "  ballast produce --synthetic 100000 --config config/ballast.properties"})
final class StackCommand implements Callable<Integer> {

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Schema Registry port (default ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--data-dir", defaultValue = "data/stack", description = "Where broker logs and schemas live (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dataDir);
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.defaults()
                .withPort(kafkaPort).withDataDir(dataDir.resolve("kafka").toAbsolutePath()));
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", registryPort,
                dataDir.resolve("registry").toAbsolutePath());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            kafka.stop();
            stopped.countDown();
        }, "ballast-stack-shutdown"));
        System.out.println("Kafka:           bootstrap.servers=" + kafka.bootstrapServers());
        System.out.println("Schema Registry: schema.registry.url=" + registry.url());
        System.out.println("Data:            " + dataDir.toAbsolutePath());
        System.out.println("Try: ./ballast run --set bootstrap.servers=" + kafka.bootstrapServers()
                + " --set schema.registry.url=" + registry.url());
        stopped.await();
        return 0;
    }
}
