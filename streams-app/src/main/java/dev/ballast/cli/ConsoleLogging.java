package dev.ballast.cli;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Ballast's logging, set up in code (logback finds this class through {@code META-INF/services}): Ballast at INFO
 * ({@code BALLAST_LOG_LEVEL} changes it), Kafka, the embedded broker and ND4J only when something is wrong, all on
 * stderr. Reading the same from a {@code logback.xml} cost a one-shot command about a second of its start (logback's
 * XML configurator and the XML parser it loads).
 *
 * <p>A {@code logback.xml} or {@code logback-test.xml} on the class path, or {@code -Dlogback.configurationFile},
 * replaces this set-up, as it would replace logback's own default.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {

    /** The console appender's name, by which {@link LogFile} finds it. */
    static final String APPENDER = "STDERR";
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    private static final Map<String, Level> LEVELS = Map.of(
            "org.apache.kafka", Level.WARN,
            "kafka", Level.WARN,
            "org.nd4j", Level.WARN,
            // Kafka's clients log every refused connection; the start-up checks say it once, in a sentence.
            "org.apache.kafka.clients.NetworkClient", Level.ERROR,
            // Every undecodable record is dead-lettered with its reason; Kafka would also log each with a stack trace.
            "org.apache.kafka.streams.processor.internals.RecordDeserializer", Level.ERROR,
            "org.apache.kafka.controller.QuorumController", Level.ERROR);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
                || onClassPath(ClassicConstants.TEST_AUTOCONFIG_FILE) || onClassPath(ClassicConstants.AUTOCONFIG_FILE)) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, System.getenv("BALLAST_LOG_LEVEL"));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets {@code context} up: levels, and the root logger writing to stderr; {@code ballastLevel} null means INFO. */
    static void apply(LoggerContext context, String ballastLevel) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(APPENDER);
        console.setTarget("System.err");
        console.setEncoder(encoder(context));
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("dev.ballast").setLevel(Level.toLevel(ballastLevel, Level.INFO));
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    /** An encoder in Ballast's log pattern, started. */
    static PatternLayoutEncoder encoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        return encoder;
    }

    private static boolean onClassPath(String resource) {
        return ConsoleLogging.class.getClassLoader().getResource(resource) != null;
    }
}
