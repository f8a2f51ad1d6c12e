package dev.ballast.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class BootstrapProbeTest {

    @Test
    void shouldTellARefusedConnectionFromAnUnknownHostAndAMissingPort() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertEquals("connection refused at 127.0.0.1:" + closedPort + " (nothing listens there); unknown host "
                        + "no-such-host.invalid; no port in 'localhost'",
                BootstrapProbe.diagnose("127.0.0.1:" + closedPort + ", no-such-host.invalid:9092,localhost", 500));
    }

    @Test
    void shouldSayWhenSomethingListensButKafkaDoesNotAnswer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            assertEquals("connected to 127.0.0.1:" + silent.getLocalPort() + " but it gave no Kafka answer",
                    BootstrapProbe.diagnose("127.0.0.1:" + silent.getLocalPort(), 500));
        }
    }
}
