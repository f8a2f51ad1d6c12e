package dev.ballast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class ConsoleLoggingTest {

    @Test
    void shouldLogBallastAtInfoAndKafkaOnlyWhenSomethingIsWrongOnStderr() {
        LoggerContext context = new LoggerContext();
        ConsoleLogging.apply(context, null);

        assertEquals(Level.INFO, context.getLogger("dev.ballast.topology.BallastApp").getEffectiveLevel());
        assertEquals(Level.WARN, context.getLogger("org.apache.kafka.streams.StreamsConfig").getEffectiveLevel());
        assertEquals(Level.WARN, context.getLogger("kafka.server.BrokerServer").getEffectiveLevel());
        assertEquals(Level.WARN, context.getLogger("org.nd4j.linalg.factory.Nd4jBackend").getEffectiveLevel());
        assertEquals(Level.ERROR, context.getLogger("org.apache.kafka.clients.NetworkClient").getEffectiveLevel());
        assertEquals(Level.ERROR,
                context.getLogger("org.apache.kafka.streams.processor.internals.RecordDeserializer").getEffectiveLevel());
        assertEquals(Level.WARN, context.getLogger("com.example.Anything").getEffectiveLevel());
        ConsoleAppender<?> console = assertInstanceOf(ConsoleAppender.class,
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(ConsoleLogging.APPENDER));
        assertEquals("System.err", console.getTarget());
    }

    @Test
    void shouldTakeBallastsLevelFromBallastLogLevel() {
        LoggerContext context = new LoggerContext();
        ConsoleLogging.apply(context, "debug");

        assertEquals(Level.DEBUG, context.getLogger("dev.ballast.cli.Ballast").getEffectiveLevel());
        assertEquals(Level.WARN, context.getLogger("org.apache.kafka.clients.consumer.KafkaConsumer").getEffectiveLevel());
    }

    @Test
    void shouldLeaveTheSetUpToLogbackWhenALogbackXmlIsOnTheClassPath() {
        // The tests' class path holds logback-test.xml.
        LoggerContext context = new LoggerContext();
        ConsoleLogging configurator = new ConsoleLogging();
        configurator.setContext(context);

        assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context));
        assertFalse(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
    }
}
