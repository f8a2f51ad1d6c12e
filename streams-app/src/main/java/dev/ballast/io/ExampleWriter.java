package dev.ballast.io;

import java.io.Closeable;
import java.io.IOException;

/** Writes examples to a file that {@link ExampleSources#open} reads back. Not thread-safe. */
public interface ExampleWriter extends Closeable {

    /**
     * Appends one example.
     *
     * @throws IllegalArgumentException when the example does not fit the writer's labels and features
     */
    void write(Example example) throws IOException;
}
