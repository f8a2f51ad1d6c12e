package dev.ballast.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartupChecksTest {

    @Test
    void shouldRetryUntilTheDependencyAnswers() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        StartupChecks.await("thing", Duration.ofSeconds(10), "hint", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new StartupChecks.Unreachable("not yet");
            }
        });
        assertEquals(3, attempts.get());
    }

    @Test
    void shouldGiveUpWithOneLineNamingTheDependencyAndTheHint() {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> StartupChecks.await(
                "Kafka at nowhere:9092", Duration.ofMillis(700), "check bootstrap.servers", () -> {
                    throw new StartupChecks.Unreachable("connection refused");
                }));
        assertEquals("Kafka at nowhere:9092 is not reachable (connection refused) after 0 s; check bootstrap.servers",
                error.getMessage());
    }

    @Test
    void shouldReturnTheClientsAnswerOnceItsMetadataCallStopsTimingOut() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        String answer = StartupChecks.awaitKafka("127.0.0.1:1", Duration.ofSeconds(10), timeout -> {
            if (attempts.incrementAndGet() < 3) {
                throw new org.apache.kafka.common.errors.TimeoutException("no metadata within " + timeout);
            }
            return "partitions";
        });
        assertEquals("partitions", answer);
        assertEquals(3, attempts.get());
    }

    @Test
    void shouldTellARefusedConnectionWhenTheClientsMetadataCallTimesOut() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> StartupChecks.awaitKafka(
                "127.0.0.1:" + closedPort, Duration.ofMillis(300), timeout -> {
                    throw new org.apache.kafka.common.errors.TimeoutException("no metadata within " + timeout);
                }));
        assertEquals("Kafka at 127.0.0.1:" + closedPort + " is not reachable (connection refused at 127.0.0.1:" + closedPort
                + " (nothing listens there)) after 0 s; check bootstrap.servers and that the brokers are up", error.getMessage());
    }

    @Test
    void shouldGiveUpOnASilentAddressWithinTheWaitNotAProbeLater() throws Exception {
        // A listener whose accept queue is full: Linux drops further SYNs, so a connect to it hangs like one to a
        // filtered host. The diagnosis after the last attempt may take only what is left of the wait.
        try (ServerSocket full = new ServerSocket(0, 1);
                java.net.Socket first = new java.net.Socket("127.0.0.1", full.getLocalPort());
                java.net.Socket second = new java.net.Socket("127.0.0.1", full.getLocalPort())) {
            long start = System.nanoTime();
            assertThrows(IllegalStateException.class, () -> StartupChecks.awaitKafka(
                    "127.0.0.1:" + full.getLocalPort(), Duration.ofMillis(1500), timeout -> {
                        try {
                            Thread.sleep(timeout.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new org.apache.kafka.common.errors.TimeoutException("no metadata within " + timeout);
                    }));
            long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(elapsedMs < 2400, "gave up after " + elapsedMs + " ms, the wait is 1500 ms");
        }
    }

    @Test
    void shouldFindARunningRegistryAndReportADeadOne() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            StartupChecks.awaitSchemaRegistry(Map.of("schema.registry.url", registry.url()), Duration.ofSeconds(5));
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort;
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> StartupChecks.awaitSchemaRegistry(Map.of("schema.registry.url", url), Duration.ofMillis(800)));
        assertTrue(error.getMessage().startsWith("Schema Registry at " + url + " is not reachable"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"), "one line");
    }
}
