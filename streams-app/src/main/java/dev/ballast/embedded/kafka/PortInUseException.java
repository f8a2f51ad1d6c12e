package dev.ballast.embedded.kafka;

/**
 * Thrown when the broker cannot listen because another process already holds its address. The message is a
 * sentence to show a person as it is, e.g. {@code port 9092 on 127.0.0.1 is in use}.
 */
public final class PortInUseException extends IllegalStateException {

    private final String host;
    private final int port;

    PortInUseException(String host, int port) {
        super("port " + port + " on " + host + " is in use");
        this.host = host;
        this.port = port;
    }

    /** @return the address that could not be bound */
    public String host() {
        return host;
    }

    /** @return the port that is taken */
    public int port() {
        return port;
    }
}
