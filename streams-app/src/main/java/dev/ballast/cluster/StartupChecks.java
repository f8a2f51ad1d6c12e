package dev.ballast.cluster;

import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryException;
import dev.ballast.serde.SerdeConfig;
import dev.ballast.config.BallastConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, with one log line per attempt, until Kafka and the Schema Registry answer, so that an app started
 * before its dependencies (a compose stack, a rolling restart) comes up by itself, and one started against a
 * wrong address fails after {@code ballast.startup.wait.ms} with one readable line instead of a stack trace.
 */
public final class StartupChecks {

    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ADMIN_CALL_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofMillis(500);
    /** A subject nobody registers: asking for it proves the registry answers (with 40401). */
    private static final String PROBE_SUBJECT = "ballast-startup-check";
    private static final String KAFKA_HINT = "check bootstrap.servers and that the brokers are up";

    /** One attempt: returns normally when the dependency answers, throws {@link Unreachable} when it does not. */
    @FunctionalInterface
    interface Probe {
        void attempt() throws Unreachable, InterruptedException;
    }

    /** The dependency did not answer; the message says why, in a few words. */
    static final class Unreachable extends Exception {
        Unreachable(String reason) {
            super(reason, null, false, false);
        }
    }

    private StartupChecks() {
    }

    /**
     * What every command that talks to Kafka and the Schema Registry does first, as {@code run} does: fails with the
     * key's name when {@code bootstrap.servers} or {@code schema.registry.url} is not set, then waits up to
     * {@code ballast.startup.wait.ms} for each to answer.
     */
    public static void awaitKafkaAndRegistry(BallastConfig config) throws InterruptedException {
        awaitKafkaAndRegistry(config, List.of());
    }

    /**
     * {@link #awaitKafkaAndRegistry(BallastConfig)}, then fails naming the first of {@code requiredTopics} that does
     * not exist: a producer would otherwise block {@code max.block.ms} on every record and drop it.
     */
    public static void awaitKafkaAndRegistry(BallastConfig config, List<String> requiredTopics) throws InterruptedException {
        Map<String, Object> client = config.nonBallastProperties();
        requireClientSettings(client);
        Duration wait = Duration.ofMillis(config.getLong(BallastConfig.STARTUP_WAIT_MS));
        String bootstrapServers = String.valueOf(client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        Admin admin = Admin.create(adminProperties(client));
        try {
            awaitKafka(admin, bootstrapServers, wait);
            if (!requiredTopics.isEmpty()) {
                java.util.Set<String> existing = admin.listTopics().names().get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                for (String topic : requiredTopics) {
                    if (!existing.contains(topic)) {
                        throw new IllegalStateException("topic " + topic + " does not exist on Kafka at " + bootstrapServers
                                + "; 'ballast run' creates Ballast's topics at start-up, or create it yourself");
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics of Kafka at " + bootstrapServers + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } finally {
            close(admin);
        }
        awaitSchemaRegistry(client, wait);
    }

    /** Fails naming the key when a client setting every command needs is missing or blank. */
    public static void requireClientSettings(Map<String, ?> client) {
        Map<String, String> examples = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "HOST:PORT",
                SerdeConfig.SCHEMA_REGISTRY_URL, "http://HOST:PORT");
        for (String key : List.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SerdeConfig.SCHEMA_REGISTRY_URL)) {
            Object value = client.get(key);
            if (value == null || String.valueOf(value).isBlank()) {
                throw new ConfigException(key + " is not set: give --set " + key + "=" + examples.get(key) + " or put it in --config");
            }
        }
    }

    /** Admin client settings from client settings, with calls bounded so that nothing outlives the start-up wait. */
    public static Map<String, Object> adminProperties(Map<String, ?> client) {
        Map<String, Object> admin = new HashMap<>();
        for (String name : AdminClientConfig.configNames()) {
            if (client.containsKey(name)) {
                admin.put(name, client.get(name));
            }
        }
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_CALL_TIMEOUT.toMillis());
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_CALL_TIMEOUT.toMillis());
        return admin;
    }

    /**
     * Closes an admin client without waiting for its pending calls: {@code Admin.close()} waits for them up to their
     * own timeout, which after an unanswered describe-cluster kept {@code main} blocked 15 s past the start-up wait.
     */
    public static void close(Admin admin) {
        admin.close(ADMIN_CLOSE_TIMEOUT);
    }

    /** Waits up to {@code wait} until the cluster at {@code bootstrapServers} answers {@code admin}. */
    public static void awaitKafka(Admin admin, String bootstrapServers, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        await("Kafka at " + bootstrapServers, wait, KAFKA_HINT, () -> {
            long attemptMs = attemptMs(deadline);
            try {
                admin.describeCluster().clusterId().get(attemptMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new Unreachable(e.getCause().getMessage());
            } catch (TimeoutException e) {
                throw new Unreachable(BootstrapProbe.diagnose(bootstrapServers, attemptMs(deadline)));
            }
        });
    }

    /**
     * Waits up to {@code wait} for Kafka to answer {@code metadataCall}, a blocking call of the command's own client given
     * the time one attempt may take (e.g. {@code timeout -> consumer.partitionsFor(topic, timeout)}), and returns its
     * answer: the same wait and the same one-line failure as {@link #awaitKafkaAndRegistry}, without the separate admin
     * client that costs a one-shot command a second connection and its start-up.
     */
    public static <T> T awaitKafka(String bootstrapServers, Duration wait, Function<Duration, T> metadataCall)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<T> answer = new ArrayList<>(1);
        await("Kafka at " + bootstrapServers, wait, KAFKA_HINT, () -> {
            long attemptMs = attemptMs(deadline);
            try {
                answer.add(metadataCall.apply(Duration.ofMillis(attemptMs)));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new Unreachable(BootstrapProbe.diagnose(bootstrapServers, attemptMs(deadline)));
            }
        });
        return answer.get(0);
    }

    /** One attempt's time: what is left of the wait, at least 100 ms and at most {@link #ATTEMPT_TIMEOUT}. */
    private static long attemptMs(long deadlineNanos) {
        return Math.max(100, Math.min(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
    }

    /** Waits up to {@code wait} until the Schema Registry of {@code schema.registry.url} answers. */
    public static void awaitSchemaRegistry(Map<String, ?> clientProperties, Duration wait) throws InterruptedException {
        SerdeConfig serdeConfig = new SerdeConfig(clientProperties);
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(
                serdeConfig.registryClientConfig().withMaxRetries(0).withRequestTimeout(ATTEMPT_TIMEOUT));
        String urls = String.join(",", serdeConfig.getList(SerdeConfig.SCHEMA_REGISTRY_URL));
        await("Schema Registry at " + urls, wait, "check schema.registry.url and that the registry is up", () -> {
            try {
                client.latest(PROBE_SUBJECT);
            } catch (SchemaRegistryException e) {
                if (e.isUnreachable() || e.httpStatus() >= 500) {
                    throw new Unreachable(e.getMessage());
                }
                if (e.errorCode() != SchemaRegistryException.SUBJECT_NOT_FOUND) {
                    throw new IllegalStateException("Schema Registry at " + urls + " refused Ballast: " + e.getMessage(), e);
                }
            }
        });
    }

    static void await(String dependency, Duration wait, String hint, Probe probe) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Duration backoff = FIRST_BACKOFF;
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                probe.attempt();
                if (attempt > 1) {
                    LOG.info("{} answers now (attempt {})", dependency, attempt);
                }
                return;
            } catch (Unreachable e) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    throw new IllegalStateException(dependency + " is not reachable (" + e.getMessage() + ") after "
                            + wait.toSeconds() + " s; " + hint);
                }
                LOG.warn("{} is not reachable ({}); retrying for up to {} s more", dependency, e.getMessage(),
                        TimeUnit.MILLISECONDS.toSeconds(remainingMs));
                Thread.sleep(Math.min(backoff.toMillis(), remainingMs));
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }
}
