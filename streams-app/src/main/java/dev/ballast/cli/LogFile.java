package dev.ballast.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the log to a file instead of stderr while a view redraws the terminal, so that log lines do not interleave
 * with it; {@link #close()} sends it back to stderr.
 */
final class LogFile implements AutoCloseable {

    private final ch.qos.logback.classic.Logger root;
    private final Appender<ILoggingEvent> console;
    private final FileAppender<ILoggingEvent> file;

    private LogFile(ch.qos.logback.classic.Logger root, Appender<ILoggingEvent> console, FileAppender<ILoggingEvent> file) {
        this.root = root;
        this.console = console;
        this.file = file;
    }

    /** Redirects the root logger's output to {@code path} (truncated), in the console's pattern. */
    static LogFile redirect(Path path) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("ballast-log-file");
        file.setFile(path.toString());
        file.setAppend(false);
        file.setEncoder(ConsoleLogging.encoder(context));
        file.start();
        Appender<ILoggingEvent> console = root.getAppender(ConsoleLogging.APPENDER);
        root.addAppender(file);
        if (console != null) {
            root.detachAppender(console);
        }
        return new LogFile(root, console, file);
    }

    @Override
    public void close() {
        if (console != null) {
            root.addAppender(console);
        }
        root.detachAppender(file);
        file.stop();
    }
}
