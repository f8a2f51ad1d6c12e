package dev.ballast.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.testing.BrokerTest;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker and registry (of {@code ballast demo} and {@code ballast stack}) listen on the loopback
 * address only: nothing on the network can reach them.
 */
@BrokerTest
class LoopbackBindTest {

    @Test
    void shouldListenOnLoopbackOnlyWhenTheEmbeddedBrokerRunsWithDefaults(EmbeddedKafka kafka) {
        URI address = URI.create("kafka://" + kafka.bootstrapServers());

        assertEquals("127.0.0.1", address.getHost());
        assertUnreachableFromTheNetwork(address.getPort());
    }

    @Test
    void shouldListenOnLoopbackOnlyWhenTheEmbeddedRegistryIsGivenNoHost() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(null, 0, null)) {
            assertEquals("127.0.0.1", URI.create(registry.url()).getHost());
            assertUnreachableFromTheNetwork(registry.port());
        }
    }

    private static void assertUnreachableFromTheNetwork(int port) {
        Optional<InetAddress> networkAddress = networkAddress();
        assumeTrue(networkAddress.isPresent(), "this machine has no non-loopback IPv4 address to connect from");
        assertThrows(IOException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(networkAddress.get(), port), 2_000);
            }
        }, "port " + port + " answers on " + networkAddress.get());
    }

    private static Optional<InetAddress> networkAddress() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(networkInterface -> Collections.list(networkInterface.getInetAddresses()).stream())
                    .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
                            && !address.isLinkLocalAddress())
                    .findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }
}
