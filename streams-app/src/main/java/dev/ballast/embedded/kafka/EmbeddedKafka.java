package dev.ballast.embedded.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster in this JVM: one KRaft server that is both broker and controller, listening
 * on one host (loopback by default) and advertising the same address. It serves everything a client can ask of
 * a cluster, including transactions and therefore Kafka Streams' {@code exactly_once_v2}.
 *
 * <p>{@link #start} formats the data directory on first use (a fresh cluster id, the latest production
 * metadata version) and reopens it as it is afterwards, so {@link #stop()} then {@link #start} on the same
 * directory, or {@link #restart()}, keeps every topic and record. Ports chosen as {@code 0} are picked once and
 * kept for the life of this object, so a client connected before a restart reconnects by itself.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.defaults())) {
 *     Properties props = new Properties();
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe; the lifecycle methods are serialised.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final EmbeddedKafkaSettings settings;
    private final Path dataDir;
    private final boolean temporaryDataDir;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(EmbeddedKafkaSettings settings, Path dataDir, boolean temporaryDataDir,
                          int port, int controllerPort) {
        this.settings = settings;
        this.dataDir = dataDir;
        this.temporaryDataDir = temporaryDataDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Starts a broker and returns once it answers a {@code DescribeCluster} request.
     *
     * @param settings where to listen and keep data
     * @return the running broker; close it to stop it
     * @throws PortInUseException if the client or controller port is taken
     * @throws UncheckedIOException if the data directory cannot be created or formatted
     * @throws IllegalStateException if the broker does not come up within a minute
     */
    public static EmbeddedKafka start(EmbeddedKafkaSettings settings) {
        int[] ports = resolvePorts(settings);
        boolean temporary = settings.dataDir() == null;
        Path dataDir;
        try {
            dataDir = temporary
                    ? Files.createTempDirectory("ballast-kafka-")
                    : Files.createDirectories(settings.dataDir()).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data directory " + settings.dataDir(), e);
        }
        EmbeddedKafka kafka = new EmbeddedKafka(settings, dataDir, temporary, ports[0], ports[1]);
        try {
            kafka.startServer();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** @return the address clients connect to, {@code host:port} */
    public String bootstrapServers() {
        return settings.host() + ":" + port;
    }

    /** @return the directory holding the topic logs and the cluster metadata */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Shuts the broker down cleanly and waits for its threads to end. The data directory is kept, the ports
     * are released; {@link #restart()} brings it back. Does nothing if already stopped.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer stopping = server;
        server = null;
        long begin = System.nanoTime();
        shutDown(stopping);
        LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), millisSince(begin));
    }

    /**
     * Stops the broker if it runs, then starts it again on the same data directory and ports, returning once
     * it serves requests. Every record written before is still there.
     *
     * @throws PortInUseException if another process took a port in between
     * @throws IllegalStateException if closed
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the broker on " + bootstrapServers() + " is closed");
        }
        stop();
        startServer();
    }

    /**
     * Stops the broker and, if its data directory was a temporary one, deletes it. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (temporaryDataDir) {
            deleteRecursively(dataDir);
        }
    }

    private void startServer() {
        requireFree(settings.host(), port);
        requireFree(settings.host(), controllerPort);
        long begin = System.nanoTime();
        formatIfNew();
        Map<String, String> properties = SingleNodeBrokerConfig.properties(settings.host(), port, controllerPort,
                dataDir, settings.defaultPartitions(), settings.brokerOverrides());
        KafkaRaftServer starting = new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
        try {
            starting.startup();
            awaitServing();
        } catch (RuntimeException e) {
            shutDown(starting);
            throw portTakenIfSo(e);
        }
        server = starting;
        LOG.info("Kafka broker on {} started in {} ms, data in {}", bootstrapServers(), millisSince(begin), dataDir);
    }

    /** Formats like {@code kafka-storage.sh format}, once: a formatted directory keeps its cluster id. */
    private void formatIfNew() {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        String directory = dataDir.toString();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(SingleNodeBrokerConfig.NODE_ID)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName(SingleNodeBrokerConfig.CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(directory)
                    .addDirectory(directory)
                    .run();
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("cannot format the Kafka data directory " + dataDir, e));
        }
    }

    private void awaitServing() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READY_PROBE_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_PROBE_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(READY_PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Kafka broker on {} not serving yet", bootstrapServers(), e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Kafka broker on " + bootstrapServers()
                            + " did not serve requests within " + READY_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker to start", e);
        }
    }

    /** A bind failure surfaces deep inside Kafka's startup exception; report it as the one sentence it is. */
    private RuntimeException portTakenIfSo(RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                int takenPort = isFree(settings.host(), port) ? controllerPort : port;
                PortInUseException portInUse = new PortInUseException(settings.host(), takenPort);
                portInUse.initCause(failure);
                return portInUse;
            }
        }
        return failure;
    }

    private static void shutDown(KafkaRaftServer kafkaServer) {
        kafkaServer.shutdown();
        kafkaServer.awaitShutdown();
    }

    /** Picks the free ports asked for as {@code 0}, holding both open at once so that they differ. */
    private static int[] resolvePorts(EmbeddedKafkaSettings settings) {
        try (ServerSocketChannel client = ServerSocketChannel.open();
             ServerSocketChannel controller = ServerSocketChannel.open()) {
            int port = settings.port();
            int controllerPort = settings.controllerPort();
            if (port == 0) {
                client.bind(new InetSocketAddress(settings.host(), 0));
                port = ((InetSocketAddress) client.getLocalAddress()).getPort();
            }
            if (controllerPort == 0) {
                controller.bind(new InetSocketAddress(settings.host(), 0));
                controllerPort = ((InetSocketAddress) controller.getLocalAddress()).getPort();
            }
            return new int[] {port, controllerPort};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + settings.host(), e);
        }
    }

    private static void requireFree(String host, int port) {
        if (!isFree(host, port)) {
            throw new PortInUseException(host, port);
        }
    }

    /** Binds the way Kafka's acceptor does (a {@link ServerSocketChannel}), so the answers agree. */
    private static boolean isFree(String host, int port) {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(host, port));
            return true;
        } catch (BindException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check port " + port + " on " + host, e);
        }
    }

    /** Deletes a directory tree, logging (not throwing) what cannot be deleted. */
    public static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary directory {}", root, e);
        }
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }
}
