package dev.ballast.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ballast.config.BallastConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard of a running Ballast, on the JDK's HTTP server:
 * <ul>
 *   <li>{@code /}: a page with live charts of each label's prevalence, weight and recall, macro-F1, the model version,
 *       and the alerts as markers (Chart.js, served from its WebJar on the class path, no CDN);</li>
 *   <li>{@code /api/series}: the JSON the page polls;</li>
 *   <li>{@code /metrics}: Prometheus text format 0.0.4, Ballast's figures and Kafka Streams' own metrics.</li>
 * </ul>
 * A {@link MetricsFeed} on its own thread follows the output topics; {@link #close()} stops both.
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final String PAGE_RESOURCES = "/dev/ballast/monitoring/dashboard/";
    private static final String CHART_JS = chartJsResource();

    private final HttpServer server;
    private final ExecutorService handlers;
    private final MetricsFeed feed;
    private final Thread feedThread;
    private final Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics;

    private DashboardServer(HttpServer server, ExecutorService handlers, MetricsFeed feed,
                            Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics) {
        this.server = server;
        this.handlers = handlers;
        this.feed = feed;
        this.kafkaMetrics = kafkaMetrics;
        this.feedThread = new Thread(this::follow, "ballast-dashboard-feed");
        this.feedThread.setDaemon(true);
    }

    /**
     * Starts following the output topics and serving on every interface.
     *
     * @param config       names the topics; {@link BallastConfig#DASHBOARD_PORT} is the port (0: a free one)
     * @param kafkaMetrics Kafka Streams' metrics, read at each scrape, e.g. {@code streams::metrics}
     */
    public static DashboardServer start(BallastConfig config, Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics) {
        int port = config.getInt(BallastConfig.DASHBOARD_PORT);
        if (port < 0) {
            throw new IllegalArgumentException(BallastConfig.DASHBOARD_PORT + " is " + port + ": the dashboard is off");
        }
        MetricsFeed feed = new MetricsFeed(config, config.nonBallastProperties(), MetricsFeed.DEFAULT_HISTORY_LENGTH);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(config.getString(BallastConfig.DASHBOARD_HOST), port), 0);
        } catch (IOException e) {
            feed.close();
            throw new UncheckedIOException("cannot serve the dashboard on port " + port + " (" + BallastConfig.DASHBOARD_PORT + ")", e);
        }
        ExecutorService handlers = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "ballast-dashboard-http");
            thread.setDaemon(true);
            return thread;
        });
        DashboardServer dashboard = new DashboardServer(server, handlers, feed, kafkaMetrics);
        server.setExecutor(handlers);
        server.createContext("/", dashboard::handle);
        server.start();
        dashboard.feedThread.start();
        LOG.info("Dashboard on {}, Prometheus metrics on {}metrics", dashboard.url(), dashboard.url());
        return dashboard;
    }

    /** The port served, the one picked when the setting was 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address on this host, e.g. {@code http://127.0.0.1:9404/} ({@code localhost} when bound to all). */
    public URI url() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        feed.wakeup();
        try {
            feedThread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void follow() {
        try (feed) {
            while (true) {
                feed.poll(Duration.ofSeconds(1));
            }
        } catch (WakeupException closing) {
            LOG.debug("Dashboard feed stopped");
        } catch (RuntimeException e) {
            LOG.error("Dashboard feed failed, the dashboard shows no new figures: {}", e.getMessage(), e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange);
            } catch (RuntimeException e) {
                LOG.warn("Dashboard request {} failed: {}", exchange.getRequestURI(), e.getMessage(), e);
                respond(exchange, 500, "text/plain; charset=utf-8", (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        switch (exchange.getRequestURI().getPath()) {
            case "/", "/index.html" -> respondResource(exchange, PAGE_RESOURCES + "index.html", "text/html; charset=utf-8");
            case "/dashboard.js" -> respondResource(exchange, PAGE_RESOURCES + "dashboard.js", "text/javascript; charset=utf-8");
            case "/chart.umd.js" -> respondResource(exchange, CHART_JS, "text/javascript; charset=utf-8");
            case "/api/series" -> respond(exchange, 200, "application/json", SeriesJson.write(feed.view()));
            case "/metrics" -> respond(exchange, 200, PrometheusExposition.CONTENT_TYPE,
                    PrometheusExposition.render(feed.view(), kafkaMetrics.get()).getBytes(StandardCharsets.UTF_8));
            default -> respond(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void respondResource(HttpExchange exchange, String resource, String contentType) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the class path");
            }
            respond(exchange, 200, contentType, in.readAllBytes());
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Chart.js's UMD bundle in its WebJar, found through the version the WebJar records for itself. */
    private static String chartJsResource() {
        String pom = "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";
        try (InputStream in = DashboardServer.class.getResourceAsStream(pom)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar is missing from the class path (" + pom + ")");
            }
            Properties properties = new Properties();
            properties.load(in);
            return "/META-INF/resources/webjars/chart.js/" + properties.getProperty("version") + "/dist/chart.umd.js";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
