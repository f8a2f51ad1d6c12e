package dev.ballast.cli;

import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "registry", mixinStandardHelpOptions = true,
        description = {"Run Ballast's embedded Schema Registry on its own, in the foreground.",
            "",
            "It speaks the subset of the Confluent Schema Registry REST API that serializers use (subjects, versions, "
                + "ids, config, compatibility). Ctrl-C stops it.", ""},
        footer = {"", "Examples:",
            "  ballast registry                  # on 127.0.0.1:8081",
            "  ballast registry --port 18081"})
final class RegistryCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8081", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data-dir", description = "Keep schemas here across restarts (default: in memory).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(host, port, dataDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }, "ballast-registry-shutdown"));
        System.out.println("Schema Registry: schema.registry.url=" + registry.url());
        stopped.await();
        return 0;
    }
}
