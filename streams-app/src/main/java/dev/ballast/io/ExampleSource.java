package dev.ballast.io;

import java.util.Iterator;
import java.util.List;

/**
 * A stream of labelled examples sharing one label set and one feature dimension.
 *
 * <p>{@link #hasNext()} and {@link #next()} throw {@link DatasetFormatException} for a malformed record and
 * {@link java.io.UncheckedIOException} when reading fails. After a {@code DatasetFormatException} a file source
 * stays usable: the next call moves on to the next record, so a caller may log bad records and go on.
 * A source is single-use and not thread-safe.
 */
public interface ExampleSource extends Iterator<Example>, AutoCloseable {

    /** The label names; {@link Example#positiveLabels()} indexes into this list. */
    List<String> labelNames();

    /** The feature dimension: the length of every dense vector, the bound of every sparse index. */
    default int featureCount() {
        return featureNames().size();
    }

    /** One name per feature, in order; sources without names number them {@code x0, x1, ...}. */
    List<String> featureNames();

    /**
     * Progress so far, for a progress bar: bytes read (read-ahead included) for a file, examples produced for a
     * generated or buffered source.
     */
    long position();

    /** The end of progress in the units of {@link #position()}, or -1 when unknown or unbounded. */
    long size();

    /** Releases the file, if any. Idempotent. */
    @Override
    void close();
}
