package dev.ballast.registry.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Schema Registry speaking the Confluent REST API subset that clients use.
 *
 * <p>Endpoints: {@code POST /subjects/{s}/versions} (register; the same schema gets the same global id under every
 * subject), {@code POST /subjects/{s}} (look-up), {@code GET /schemas/ids/{id}}, {@code GET /schemas/ids/{id}/versions},
 * {@code GET /subjects}, {@code GET /subjects/{s}/versions}, {@code GET /subjects/{s}/versions/{v|latest}},
 * {@code DELETE /subjects/{s}[?permanent=true]}, {@code GET|PUT /config} and {@code /config/{s}},
 * {@code POST /compatibility/subjects/{s}/versions/{v|latest}}. Compatibility levels NONE, BACKWARD (default),
 * FORWARD, FULL and their transitive forms are enforced with Avro's schema resolution rules; error answers carry
 * Confluent's {@code error_code}s (40401, 40402, 40403, 409, 42201, 42202, 42203, ...).
 *
 * <p>With a data directory every change is journalled and forced to disk before it is answered, so schemas and ids
 * survive a restart. Thread-safe. Only Avro schemas without references are supported.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final int HANDLER_THREADS = 4;
    private static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes a response's headers and body in separate packets; with Nagle's algorithm on, the
        // client's delayed ACK then stalls every answer by about 40 ms. The JDK reads this property once, when its
        // server configuration is first loaded, so it is set before the first server is created unless set already.
        if (System.getProperty(NO_DELAY_PROPERTY) == null) {
            System.setProperty(NO_DELAY_PROPERTY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final RegistryStore store;
    private final String url;

    private EmbeddedSchemaRegistry(HttpServer server, ExecutorService executor, RegistryStore store, String url) {
        this.server = server;
        this.executor = executor;
        this.store = store;
        this.url = url;
    }

    /**
     * Starts a registry.
     *
     * @param host address to bind; {@code null} binds the loopback address 127.0.0.1
     * @param port port to bind; 0 picks a free one (see {@link #port()})
     * @param dataDir directory for the journal, created if absent; {@code null} keeps everything in memory
     * @throws UncheckedIOException when the port cannot be bound or the journal cannot be read
     */
    public static EmbeddedSchemaRegistry start(String host, int port, Path dataDir) {
        String bindHost = host == null ? LOOPBACK : host;
        RegistryStore store;
        try {
            store = dataDir == null ? RegistryStore.inMemory() : RegistryStore.open(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the Schema Registry data in " + dataDir, e);
        }
        AtomicInteger threadCount = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(HANDLER_THREADS, task -> {
            Thread thread = new Thread(task, "embedded-schema-registry-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindHost, port), 0);
        } catch (IOException e) {
            executor.shutdown();
            closeQuietly(store);
            throw new UncheckedIOException("Cannot bind the Schema Registry to " + bindHost + ":" + port, e);
        }
        server.createContext("/", new RestHandler(store));
        server.setExecutor(executor);
        server.start();
        String urlHost = "0.0.0.0".equals(bindHost) || "::".equals(bindHost) ? LOOPBACK : bindHost;
        String url = "http://" + urlHost + ":" + server.getAddress().getPort();
        LOG.info("Embedded Schema Registry listening at {}{}", url,
                dataDir == null ? " (in memory)" : " (data in " + dataDir + ")");
        return new EmbeddedSchemaRegistry(server, executor, store, url);
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        return url;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving and releases the port and the journal. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        closeQuietly(store);
    }

    private static void closeQuietly(RegistryStore store) {
        try {
            store.close();
        } catch (IOException e) {
            LOG.warn("Could not close the Schema Registry journal", e);
        }
    }
}
