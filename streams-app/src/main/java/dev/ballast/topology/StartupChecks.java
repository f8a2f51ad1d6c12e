package dev.ballast.topology;

import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryException;
import dev.ballast.serde.SerdeConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, with one log line per attempt, until Kafka and the Schema Registry answer, so that an app started
 * before its dependencies (a compose stack, a rolling restart) comes up by itself, and one started against a
 * wrong address fails after {@code ballast.startup.wait.ms} with one readable line instead of a stack trace.
 */
final class StartupChecks {

    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    /** A subject nobody registers: asking for it proves the registry answers (with 40401). */
    private static final String PROBE_SUBJECT = "ballast-startup-check";

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

    static void awaitKafka(Admin admin, String bootstrapServers, Duration wait) throws InterruptedException {
        await("Kafka at " + bootstrapServers, wait, "check bootstrap.servers and that the brokers are up", () -> {
            try {
                admin.describeCluster().clusterId().get(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new Unreachable(e.getCause().getMessage());
            } catch (TimeoutException e) {
                throw new Unreachable("no answer within " + ATTEMPT_TIMEOUT.toSeconds() + " s");
            }
        });
    }

    static void awaitSchemaRegistry(Map<String, ?> clientProperties, Duration wait) throws InterruptedException {
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
