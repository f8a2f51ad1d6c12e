package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A full app start, training and dead-lettering with Kafka and registry secrets set, every logger at INFO or finer
 * (Kafka's clients print their whole configuration at INFO): no secret reaches a log line.
 */
@BrokerTest
class SecretsNotLoggedTest {

    private static final String JAAS_SECRET = "jaas-secret-7c1f0e";
    private static final String REGISTRY_SECRET = "registry-secret-9a2e4d";
    private static final String KEYSTORE_SECRET = "keystore-secret-41b8aa";
    private static final String KEY_SECRET = "key-secret-05d3c1";
    private static final String TRUSTSTORE_SECRET = "truststore-secret-e6f972";
    private static final List<String> SECRETS = List.of(JAAS_SECRET, REGISTRY_SECRET, KEYSTORE_SECRET, KEY_SECRET,
            TRUSTSTORE_SECRET);

    @TempDir
    Path work;

    @Test
    void shouldNeverLogASecretWhenStartingTrainingAndDeadLettering(EmbeddedKafka kafka) throws Exception {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger kafkaLogger = logging.getLogger("org.apache.kafka");
        Logger ballastLogger = logging.getLogger("dev.ballast");
        Level rootLevel = root.getLevel();
        Level kafkaLevel = kafkaLogger.getLevel();
        Level ballastLevel = ballastLogger.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(logging);
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.INFO);
        kafkaLogger.setLevel(Level.INFO);
        ballastLogger.setLevel(Level.DEBUG);
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), KafkaTestClient.uniqueName("secrets"), 1);
            settings.put("state.dir", work.toString());
            // The broker speaks PLAINTEXT, so the SASL and SSL settings are carried (and printed) but not used.
            settings.put("sasl.mechanism", "PLAIN");
            settings.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"ballast\" password=\"" + JAAS_SECRET + "\";");
            settings.put("ssl.keystore.password", KEYSTORE_SECRET);
            settings.put("ssl.key.password", KEY_SECRET);
            settings.put("ssl.truststore.password", TRUSTSTORE_SECRET);
            settings.put("basic.auth.credentials.source", "USER_INFO");
            settings.put("basic.auth.user.info", "ballast:" + REGISTRY_SECRET);
            BallastConfig config = new BallastConfig(settings);
            Map<String, Object> client = config.nonBallastProperties();
            try (BallastApp app = BallastApp.start(config);
                 EventPublisher publisher = new EventPublisher(client,
                         BallastSerdes.fromConfig(client).events().serializer(), config.getString(BallastConfig.EVENTS_TOPIC));
                 DriftingStream stream = new DriftingStream(TestApps.STREAM, 500)) {
                EventPublisher.Sent sent = publisher.publish(stream, TestApps.labels(), "default", 500, 9, 0, 3);
                AppOutputs outputs = AppOutputs.awaitEventsTrained(config, "default", sent.valid(), Duration.ofSeconds(90));
                assertEquals(sent.bad(), outputs.deadLetters().size());
            }
        } finally {
            root.detachAppender(captured);
            root.setLevel(rootLevel);
            kafkaLogger.setLevel(kafkaLevel);
            ballastLogger.setLevel(ballastLevel);
        }

        List<ILoggingEvent> events = List.copyOf(captured.list);
        assertTrue(events.stream().anyMatch(event -> event.getFormattedMessage().contains("sasl.jaas.config")),
                "the clients' configuration dumps were captured, so the check below has teeth");
        for (ILoggingEvent event : events) {
            String text = event.getFormattedMessage() + throwableText(event.getThrowableProxy());
            for (String secret : SECRETS) {
                assertTrue(!text.contains(secret), "secret logged by " + event.getLoggerName() + ": " + text);
            }
        }
    }

    private static String throwableText(IThrowableProxy throwable) {
        StringBuilder text = new StringBuilder();
        for (IThrowableProxy cause = throwable; cause != null; cause = cause.getCause()) {
            text.append('\n').append(cause.getClassName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
