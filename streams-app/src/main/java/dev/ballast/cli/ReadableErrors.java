package dev.ballast.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a failure into one readable line on stderr instead of a stack trace wall; the trace is printed only when
 * {@code BALLAST_DEBUG} is set. Exit code 2 for bad settings or input the user can fix, 1 otherwise.
 */
final class ReadableErrors implements IExecutionExceptionHandler {

    static final int USER_ERROR = 2;
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult) {
        commandLine.getErr().println("ballast " + commandLine.getCommandName() + ": " + describe(exception));
        if (System.getenv("BALLAST_DEBUG") != null) {
            exception.printStackTrace(commandLine.getErr());
        } else {
            commandLine.getErr().println("(set BALLAST_DEBUG=1 for the stack trace)");
        }
        return isUserError(exception) ? USER_ERROR : FAILURE;
    }

    static String describe(Throwable exception) {
        if (exception instanceof java.nio.file.NoSuchFileException missing) {
            // Its message is the bare path.
            return "no such file: " + missing.getFile();
        }
        Throwable cause = exception;
        while (cause.getCause() != null && (cause instanceof java.util.concurrent.ExecutionException
                || cause instanceof java.util.concurrent.CompletionException || cause.getMessage() == null)) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private static boolean isUserError(Exception exception) {
        return exception instanceof org.apache.kafka.common.config.ConfigException
                || exception instanceof UserFacingException
                || exception instanceof java.nio.file.NoSuchFileException
                || exception instanceof dev.ballast.io.DatasetFormatException;
    }
}
