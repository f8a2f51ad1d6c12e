package dev.ballast.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/** Opens example files and wraps sources. */
public final class ExampleSources {

    private ExampleSources() {}

    /**
     * Opens a data file for streaming; the header is read and checked now, the examples as they are iterated.
     * The layouts are: MEKA ARFF ({@code @relation 'Name: -C N'}, the first N attributes being 0/1 labels, or
     * the last |N| when N is negative; dense or sparse rows); CSV with a header row whose {@code label:<name>}
     * columns are labels and optional {@code id}, {@code time}, {@code importance} columns, every other column
     * a feature; JSONL with a header line {@code {"labels":[...],"featureCount":N}} then one
     * {@code {"id","eventTime","features","labels","importance"}} object per line.
     *
     * @param format the file's format, or null to tell it from the file name's extension
     * @throws java.nio.file.NoSuchFileException when there is no such file, whatever its name (checked first, so
     *                                that a missing file is reported as missing rather than as of unknown format)
     * @throws DatasetFormatException when the header is malformed
     * @throws IOException            when the file cannot be opened
     */
    public static ExampleSource open(Path file, DataFormat format) throws IOException {
        if (!java.nio.file.Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        return switch (format != null ? format : DataFormat.fromFileName(file)) {
            case ARFF -> new ArffExampleSource(file);
            case CSV -> new CsvExampleSource(file);
            case JSONL -> new JsonlExampleSource(file);
        };
    }

    /**
     * The examples of a finite source in an order fixed by {@code seed}, for evaluating on a shuffled copy of a
     * sorted file. This reads the whole source into memory now and closes it; progress is then counted in
     * examples.
     */
    public static ExampleSource shuffled(ExampleSource source, long seed) {
        List<Example> examples = readAll(source);
        Collections.shuffle(examples, new Random(seed));
        return new BufferedSource(source.labelNames(), source.featureNames(), examples);
    }

    /**
     * The examples of a finite source, in order, held in memory: read now and closed, so that {@link
     * ExampleSource#size()} is the number of examples (progress is counted in examples).
     */
    public static ExampleSource buffered(ExampleSource source) {
        return new BufferedSource(source.labelNames(), source.featureNames(), readAll(source));
    }

    private static List<Example> readAll(ExampleSource source) {
        List<Example> examples = new ArrayList<>();
        try (source) {
            source.forEachRemaining(examples::add);
        }
        return examples;
    }

    /** Examples held in memory. */
    private static final class BufferedSource implements ExampleSource {
        private final List<String> labelNames;
        private final List<String> featureNames;
        private final List<Example> examples;
        private int position;

        BufferedSource(List<String> labelNames, List<String> featureNames, List<Example> examples) {
            this.labelNames = labelNames;
            this.featureNames = featureNames;
            this.examples = examples;
        }

        @Override
        public boolean hasNext() {
            return position < examples.size();
        }

        @Override
        public Example next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more examples");
            }
            return examples.get(position++);
        }

        @Override
        public List<String> labelNames() {
            return labelNames;
        }

        @Override
        public List<String> featureNames() {
            return featureNames;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public long size() {
            return examples.size();
        }

        @Override
        public void close() {
            // Nothing to release: the source was closed once buffered.
        }
    }
}
