package dev.ballast.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Keeps the events one class's logger writes, those that pass a filter, while attached; {@link #close()} detaches
 * it. Events may come from any thread (stream threads log too).
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger, Predicate<ILoggingEvent> keep) {
        this.logger = logger;
        appender.setContext(logger.getLoggerContext());
        appender.addFilter(new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                return keep.test(event) ? FilterReply.NEUTRAL : FilterReply.DENY;
            }
        });
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts capturing what the logger of {@code source} writes, the events {@code keep} accepts. */
    public static LogCapture of(Class<?> source, Predicate<ILoggingEvent> keep) {
        return new LogCapture((Logger) LoggerFactory.getLogger(source), keep);
    }

    /** The events kept so far, in the order they were logged. */
    public List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
