package dev.ballast.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Why Kafka did not answer, told apart by a plain TCP connection to each bootstrap address: the Kafka client only
 * reports that its call timed out, whether nothing listens on the port (refused at once), the host is unknown, or
 * packets go unanswered (a firewall, a wrong network).
 */
final class BootstrapProbe {

    private BootstrapProbe() {
    }

    /** e.g. {@code "connection refused at 127.0.0.1:9092"} or {@code "no answer within 5 s from 10.0.0.9:9092"}. */
    static String diagnose(String bootstrapServers, long timeoutMs) {
        List<String> findings = new ArrayList<>();
        for (String address : bootstrapServers.split(",")) {
            findings.add(probe(address.trim(), (int) Math.max(100, Math.min(timeoutMs, 2000))));
        }
        return String.join("; ", findings);
    }

    private static String probe(String address, int timeoutMs) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            return "no port in '" + address + "'";
        }
        String host = address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "no port in '" + address + "'";
        }
        InetSocketAddress socketAddress = new InetSocketAddress(host, port);
        if (socketAddress.isUnresolved()) {
            return "unknown host " + host;
        }
        try (Socket socket = new Socket()) {
            socket.connect(socketAddress, timeoutMs);
            return "connected to " + address + " but it gave no Kafka answer";
        } catch (ConnectException e) {
            return "connection refused at " + address + " (nothing listens there)";
        } catch (SocketTimeoutException e) {
            return "no answer from " + address + " within " + timeoutMs + " ms (host down or traffic filtered)";
        } catch (IOException e) {
            return e.getMessage() + " at " + address;
        }
    }
}
