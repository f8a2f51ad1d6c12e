package dev.ballast.io;

import java.nio.file.Path;

/**
 * A data file that does not follow its format. The message names the file and the line, for example
 * {@code Yeast.arff line 130: expected 117 values, found 116}.
 */
public final class DatasetFormatException extends RuntimeException {

    private final Path file;
    private final long line;

    /**
     * @param file    the file being read
     * @param line    the one-based line number of the problem
     * @param problem what is wrong, without the file and line
     */
    public DatasetFormatException(Path file, long line, String problem) {
        this(file, line, problem, null);
    }

    /** As {@link #DatasetFormatException(Path, long, String)}, keeping the parser's own exception as cause. */
    public DatasetFormatException(Path file, long line, String problem, Throwable cause) {
        super(file.getFileName() + " line " + line + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** The file being read. */
    public Path file() {
        return file;
    }

    /** The one-based line number of the problem. */
    public long line() {
        return line;
    }
}
