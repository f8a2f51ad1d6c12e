package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import dev.ballast.learning.NativeRuntime;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Ballast stream processor: checks that Kafka is reachable, creates the topics, builds the topology from
 * the settings and runs it. {@link #close()} shuts down gracefully (commits, flushes state).
 */
public final class BallastApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BallastApp.class);
    private static final Duration REACHABLE_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private BallastApp(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Starts the app; returns once Kafka Streams has started (it keeps running in its own threads). */
    public static BallastApp start(BallastConfig config) throws InterruptedException {
        Properties properties = StreamsSettings.of(config);
        NativeRuntime.configure(config.getInt(BallastConfig.NATIVE_THREADS));
        String bootstrap = String.valueOf(properties.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin admin = Admin.create(adminProperties(properties))) {
            awaitReachable(admin, bootstrap);
            if (config.getBoolean(BallastConfig.TOPIC_CREATE)) {
                TopicProvisioner.ensureTopics(admin, config);
            }
        }
        BallastSerdes serdes = BallastSerdes.fromConfig(config.nonBallastProperties());
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
        streams.start();
        LOG.info("Ballast is training from {} on {} (application.id {}, {})", config.getString(BallastConfig.EVENTS_TOPIC),
                bootstrap, properties.get(StreamsConfig.APPLICATION_ID_CONFIG),
                properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        return app;
    }

    public KafkaStreams.State state() {
        return streams.state();
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
        streams.close(Duration.ofSeconds(30));
        stopped.countDown();
    }

    private static Properties adminProperties(Properties streamsProperties) {
        Properties admin = new Properties();
        for (String name : AdminClientConfig.configNames()) {
            if (streamsProperties.containsKey(name)) {
                admin.put(name, streamsProperties.get(name));
            }
        }
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REACHABLE_TIMEOUT.toMillis());
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REACHABLE_TIMEOUT.toMillis());
        return admin;
    }

    private static void awaitReachable(Admin admin, String bootstrap) throws InterruptedException {
        try {
            admin.describeCluster().clusterId().get(REACHABLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " is not reachable (no answer within "
                    + REACHABLE_TIMEOUT.toSeconds() + " s); check bootstrap.servers and that the broker is up", e);
        }
    }

}
