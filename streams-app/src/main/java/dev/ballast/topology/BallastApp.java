package dev.ballast.topology;

import dev.ballast.cluster.BallastSerdes;
import dev.ballast.cluster.StartupChecks;
import dev.ballast.config.BallastConfig;
import dev.ballast.learning.NativeRuntime;
import dev.ballast.monitoring.DashboardServer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Ballast stream processor: checks that Kafka and the Schema Registry are reachable, creates the topics,
 * resolves the schema ids of what it writes ({@link OutputSchemas}), builds the topology from the settings and runs
 * it. {@link #close()} shuts down gracefully (commits, flushes state).
 */
public final class BallastApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BallastApp.class);
    /** How long {@link #close()} waits for the stream threads to commit and stop. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private DashboardServer dashboard;

    private BallastApp(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Starts the app; returns once Kafka Streams has started (it keeps running in its own threads). */
    public static BallastApp start(BallastConfig config) throws InterruptedException {
        Properties properties = StreamsSettings.of(config);
        NativeRuntime.configure(config.getInt(BallastConfig.NATIVE_THREADS));
        String bootstrap = String.valueOf(properties.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        Duration wait = Duration.ofMillis(config.getLong(BallastConfig.STARTUP_WAIT_MS));
        Admin admin = Admin.create(StartupChecks.adminProperties(config.nonBallastProperties()));
        try {
            StartupChecks.awaitKafka(admin, bootstrap, wait);
            if (config.getBoolean(BallastConfig.TOPIC_CREATE)) {
                TopicProvisioner.ensureTopics(admin, config);
            }
            TopicProvisioner.checkCoPartitioned(admin, config);
        } finally {
            StartupChecks.close(admin);
        }
        StartupChecks.awaitSchemaRegistry(config.nonBallastProperties(), wait);
        OutputSchemas.resolve(config);
        BallastSerdes serdes = BallastSerdes.fromConfig(config.nonBallastProperties());
        SavedModelCheck.check(config, properties, serdes.snapshots().deserializer());
        Topology topology = BallastTopology.build(config, serdes);
        KafkaStreams streams = new KafkaStreams(topology, properties);
        BallastApp app = new BallastApp(streams);
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.error("Stream thread failed, shutting Ballast down: {}", exception.getMessage(), exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((newState, oldState) -> {
            LOG.info("Kafka Streams {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                app.stopped.countDown();
            }
        });
        if (config.getInt(BallastConfig.DASHBOARD_PORT) >= 0) {
            try {
                app.dashboard = DashboardServer.start(config, app::metrics);
            } catch (RuntimeException e) {
                streams.close();
                throw e;
            }
        }
        streams.start();
        LOG.info("Ballast is training from {} on {} (application.id {}, {})", config.getString(BallastConfig.EVENTS_TOPIC),
                bootstrap, properties.get(StreamsConfig.APPLICATION_ID_CONFIG),
                properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        return app;
    }

    /** The web dashboard's address, when {@link BallastConfig#DASHBOARD_PORT} turned it on. */
    public Optional<URI> dashboardUrl() {
        return Optional.ofNullable(dashboard).map(DashboardServer::url);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Kafka Streams' metrics of this instance (its threads, tasks, stores and clients), as the dashboard shows. */
    public Map<MetricName, ? extends Metric> metrics() {
        return streams.metrics();
    }

    /**
     * This instance's share of the work: its stream threads and the active and standby tasks each runs. Instances
     * with the same {@code application.id} split the tasks (one per events partition) between them.
     *
     * @see KafkaStreams#metadataForLocalThreads()
     */
    public Set<ThreadMetadata> metadataForLocalThreads() {
        return streams.metadataForLocalThreads();
    }

    /** Blocks until the app has stopped (shut down or failed). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (dashboard != null) {
            dashboard.close();
        }
        closeWithin(streams, CLOSE_TIMEOUT);
        stopped.countDown();
    }

    /**
     * Closes Kafka Streams, leaving the group at once (so this instance's models move to the others without
     * waiting for {@code session.timeout.ms}), and says how it went: a stop that does not finish within the timeout
     * is a warning with the stacks of the threads it waited for.
     *
     * @return whether Kafka Streams stopped within the timeout
     */
    static boolean closeWithin(KafkaStreams streams, Duration timeout) {
        long start = System.nanoTime();
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(timeout));
        if (closed) {
            LOG.info("Ballast stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } else {
            // Kafka Streams says this only at INFO. Nothing is lost: under exactly-once the work since the last
            // commit is aborted and done again on the next start.
            LOG.warn("Kafka Streams did not stop within {} s (state {}); stopping without a final commit, the next "
                    + "start resumes from the last one. Where its threads were:{}", timeout.toSeconds(),
                    streams.state(), kafkaStreamsThreadStacks());
        }
        return closed;
    }

    /** The stacks of this process's Kafka Streams threads, a few frames each, for a report of a stuck shutdown. */
    private static String kafkaStreamsThreadStacks() {
        StringBuilder stacks = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, frames) -> {
            if (thread.getName().contains("StreamThread") || thread.getName().contains("kafka-streams")
                    || thread.getName().contains("StateUpdater")) {
                stacks.append("\n  ").append(thread.getName()).append(" (").append(thread.getState()).append(')');
                for (int i = 0; i < Math.min(12, frames.length); i++) {
                    stacks.append("\n    at ").append(frames[i]);
                }
            }
        });
        return stacks.length() == 0 ? " (none left)" : stacks.toString();
    }
}
