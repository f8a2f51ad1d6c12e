package dev.ballast.io;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The reading half every file format shares: UTF-8 lines with their numbers, byte progress, one example of
 * look-ahead, and errors that name the file and line. Subclasses read their header in the constructor and
 * turn each remaining line into an example.
 */
abstract class LineSource implements ExampleSource {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("([+-]?)(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private final Path file;
    private final long size;
    private final CountingInputStream counter;
    private final BufferedReader reader;
    private long lineNumber;
    private long rowIndex;
    private Example lookAhead;
    private boolean exhausted;

    LineSource(Path file) throws IOException {
        this.file = file;
        this.size = Files.size(file);
        this.counter = new CountingInputStream(Files.newInputStream(file));
        this.reader = new BufferedReader(new InputStreamReader(counter, StandardCharsets.UTF_8));
    }

    /**
     * The next line that {@link #isRecord} accepts, or {@code null} at the end of the file. Used by the
     * constructors of subclasses to read their header, and by iteration.
     */
    final String nextRecordLine() {
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (isRecord(line)) {
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /** Whether a line carries content; blank lines never do. */
    boolean isRecord(String line) {
        return !line.isBlank();
    }

    /**
     * Parses one data line.
     *
     * @param rowIndex zero-based count of the examples before this one, the event time of formats without one
     */
    abstract Example parse(String line, long rowIndex);

    /** An error at the current line. */
    final DatasetFormatException error(String problem) {
        return new DatasetFormatException(file, lineNumber, problem);
    }

    /** An error at the current line, caused by a lower-level parser. */
    final DatasetFormatException error(String problem, Throwable cause) {
        return new DatasetFormatException(file, lineNumber, problem, cause);
    }

    /** An error found at the end of the file, reported at the line after the last. */
    final DatasetFormatException errorAfterLastLine(String problem) {
        return new DatasetFormatException(file, lineNumber + 1, problem);
    }

    /** The id of the current line for formats without ids: {@code line-<n>}. */
    final String lineId() {
        return "line-" + lineNumber;
    }

    /**
     * A feature value: a decimal number, or {@code NaN}, {@code inf} or {@code Infinity} in any case and with
     * an optional sign. Java's extras such as {@code 1f} or hexadecimal are refused.
     */
    final float parseFeature(String token, String where) {
        String trimmed = token.strip();
        if (DECIMAL.matcher(trimmed).matches()) {
            return Float.parseFloat(trimmed);
        }
        Matcher nonFinite = NON_FINITE.matcher(trimmed);
        if (nonFinite.matches()) {
            if (nonFinite.group(2).equalsIgnoreCase("nan")) {
                return Float.NaN;
            }
            return nonFinite.group(1).equals("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        }
        throw error("not a number in " + where + ": '" + trimmed + "'");
    }

    /** A label value: a number equal to 0 or 1 ({@code 1}, {@code 1.0}, ...). */
    final boolean parseLabel(String token, String where) {
        String trimmed = token.strip();
        if (DECIMAL.matcher(trimmed).matches()) {
            double value = Double.parseDouble(trimmed);
            if (value == 0) {
                return false;
            }
            if (value == 1) {
                return true;
            }
        }
        throw error("label value must be 0 or 1 in " + where + ", found '" + trimmed + "'");
    }

    /** Names {@code x0, x1, ...} for sources whose files do not name their features. */
    static List<String> numberedFeatureNames(int count) {
        return IntStream.range(0, count).mapToObj(i -> "x" + i).toList();
    }

    final Path file() {
        return file;
    }

    @Override
    public final boolean hasNext() {
        if (lookAhead == null && !exhausted) {
            String line = nextRecordLine();
            if (line == null) {
                exhausted = true;
                close();
            } else {
                lookAhead = parse(line, rowIndex);
            }
        }
        return lookAhead != null;
    }

    @Override
    public final Example next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more examples in " + file);
        }
        Example example = lookAhead;
        lookAhead = null;
        rowIndex++;
        return example;
    }

    @Override
    public final long position() {
        return counter.count;
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public final void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + file, e);
        }
    }

    /** Counts the bytes the reader has pulled from the file. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
