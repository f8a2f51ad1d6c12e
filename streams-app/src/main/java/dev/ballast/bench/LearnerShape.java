package dev.ballast.bench;

import java.util.List;

/**
 * The shape of a model and of its input rows, for the learner benchmark.
 *
 * @param features input dimension
 * @param labels   output labels
 * @param nonZeros non-zero features per row: {@code features} for dense rows, fewer for sparse rows
 */
public record LearnerShape(int features, int labels, int nonZeros) {

    public LearnerShape {
        if (features < 1 || labels < 1 || nonZeros < 1 || nonZeros > features) {
            throw new IllegalArgumentException("need features >= 1, labels >= 1, 1 <= nonZeros <= features, got "
                    + features + ", " + labels + ", " + nonZeros);
        }
    }

    public static LearnerShape dense(int features, int labels) {
        return new LearnerShape(features, labels, features);
    }

    public static LearnerShape sparse(int features, int labels, int nonZeros) {
        return new LearnerShape(features, labels, nonZeros);
    }

    /**
     * The shapes {@code ballast bench} measures: dense 30x10 (the default model), 300x30 and 1000x100, and an
     * IMDB-like sparse bag of words (1,001 features, 20 non-zeros per row, 28 genre labels).
     */
    public static List<LearnerShape> standard() {
        return List.of(dense(30, 10), dense(300, 30), dense(1000, 100), sparse(1001, 28, 20));
    }

    public boolean isSparse() {
        return nonZeros < features;
    }

    @Override
    public String toString() {
        return (isSparse() ? "sparse " + features + " (" + nonZeros + " non-zeros)" : "dense " + features) + " x " + labels;
    }
}
