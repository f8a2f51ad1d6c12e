package dev.ballast.io;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats Ballast reads and writes. The layouts are described on each reader. */
public enum DataFormat {
    /** MEKA's multi-label ARFF: {@code @relation 'name: -C N'} marks the label attributes. */
    ARFF,
    /** Comma-separated values with a header row; label columns are named {@code label:<name>}. */
    CSV,
    /** JSON Lines: a header object naming the labels, then one example object per line. */
    JSONL;

    /**
     * The format named by a file's extension: {@code .arff}, {@code .csv}, {@code .jsonl} (or {@code .ndjson}),
     * in any case.
     *
     * @throws IllegalArgumentException for any other extension
     */
    public static DataFormat fromFileName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".arff")) {
            return ARFF;
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        throw new IllegalArgumentException("cannot tell the format of " + file
                + " from its extension: expected .arff, .csv or .jsonl");
    }
}
