package dev.ballast.embedded.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to run an {@link EmbeddedKafka} broker. Immutable; change a copy with the {@code with...} methods.
 *
 * @param host              the address the broker binds and advertises; {@code 127.0.0.1} by default
 * @param port              the client port; {@code 0} picks a free port once, which is then kept across
 *                          {@link EmbeddedKafka#restart()}
 * @param controllerPort    the KRaft controller port; {@code 0} picks a free port as for {@code port}
 * @param dataDir           the directory holding the logs and the cluster metadata; {@code null} for a
 *                          temporary directory that {@link EmbeddedKafka#close()} deletes
 * @param defaultPartitions the partition count of topics created without one ({@code num.partitions})
 * @param brokerOverrides   broker properties applied last, over the single-node settings
 */
public record EmbeddedKafkaSettings(String host, int port, int controllerPort, Path dataDir,
                                    int defaultPartitions, Map<String, String> brokerOverrides) {

    /** The address of the default settings: loopback only, never reachable from another machine. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the first bad value
     */
    public EmbeddedKafkaSettings {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        requirePort("port", port);
        requirePort("controllerPort", controllerPort);
        if (port != 0 && port == controllerPort) {
            throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
        }
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException("defaultPartitions must be at least 1, was " + defaultPartitions);
        }
        brokerOverrides = Map.copyOf(Objects.requireNonNull(brokerOverrides, "brokerOverrides"));
    }

    /**
     * Loopback, free ports picked at start, a temporary data directory, one partition per topic, no overrides.
     *
     * @return the default settings
     */
    public static EmbeddedKafkaSettings defaults() {
        return new EmbeddedKafkaSettings(DEFAULT_HOST, 0, 0, null, 1, Map.of());
    }

    /**
     * @param newHost the address to bind and advertise
     * @return a copy with that host
     */
    public EmbeddedKafkaSettings withHost(String newHost) {
        return new EmbeddedKafkaSettings(newHost, port, controllerPort, dataDir, defaultPartitions, brokerOverrides);
    }

    /**
     * @param newPort the client port, {@code 0} for a free one
     * @return a copy with that client port
     */
    public EmbeddedKafkaSettings withPort(int newPort) {
        return new EmbeddedKafkaSettings(host, newPort, controllerPort, dataDir, defaultPartitions, brokerOverrides);
    }

    /**
     * @param newControllerPort the controller port, {@code 0} for a free one
     * @return a copy with that controller port
     */
    public EmbeddedKafkaSettings withControllerPort(int newControllerPort) {
        return new EmbeddedKafkaSettings(host, port, newControllerPort, dataDir, defaultPartitions, brokerOverrides);
    }

    /**
     * @param newDataDir a directory kept after close, or {@code null} for a temporary one
     * @return a copy with that data directory
     */
    public EmbeddedKafkaSettings withDataDir(Path newDataDir) {
        return new EmbeddedKafkaSettings(host, port, controllerPort, newDataDir, defaultPartitions, brokerOverrides);
    }

    /**
     * @param newDefaultPartitions the partition count of topics created without one
     * @return a copy with that partition count
     */
    public EmbeddedKafkaSettings withDefaultPartitions(int newDefaultPartitions) {
        return new EmbeddedKafkaSettings(host, port, controllerPort, dataDir, newDefaultPartitions, brokerOverrides);
    }

    /**
     * @param newBrokerOverrides broker properties applied over the single-node settings (replaces earlier ones)
     * @return a copy with those overrides
     */
    public EmbeddedKafkaSettings withBrokerOverrides(Map<String, String> newBrokerOverrides) {
        return new EmbeddedKafkaSettings(host, port, controllerPort, dataDir, defaultPartitions, newBrokerOverrides);
    }

    private static void requirePort(String name, int value) {
        if (value < 0 || value > 65_535) {
            throw new IllegalArgumentException(name + " must be in [0, 65535], was " + value);
        }
    }
}
