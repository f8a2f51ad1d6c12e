package dev.ballast.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A synthetic multi-label stream whose label prevalences drift on a known schedule, so that a learner's
 * adaptation can be checked against the truth.
 *
 * <p>Features are standard normal: all of them for dense rows, {@code nonZerosPerRow} at random positions for
 * sparse ones. Each label has a fixed random unit direction {@code w}; the label is positive when the score
 * {@code w·x} exceeds {@code t = Φ⁻¹(1 - p)}, with {@code p} the label's scheduled prevalence, so the score being
 * standard normal makes the prevalence exactly {@code p} in expectation. For sparse rows the score is divided by
 * the norm of {@code w} over the row's non-zeros, which keeps it standard normal; the boundary is then linear
 * within each pattern of non-zeros. With probability {@code labelNoise} a label ignores the features and is
 * drawn as Bernoulli({@code p}) instead: noise that, unlike flipping, leaves the prevalence on schedule.
 *
 * <p>Schedule: label 0 is the persistent minority, held at {@code minPrevalence}. Every other label has a low
 * and a high level, 10x apart (or {@code max/min} apart when that is less), spread over
 * [{@code minPrevalence}, {@code maxPrevalence}] on a log scale, and swaps between them every
 * {@code driftPeriodEvents} events; half of them start high, so at each switch some labels rise while others
 * fall. Everything follows from the seed: the same spec gives the same stream.
 *
 * <p>With {@link DriftingStreamSpec#gradual()} a drifting label starts each period at the level it would jump to
 * and moves log-linearly to the other level over the period, so its prevalence never jumps: it falls (or rises)
 * tenfold over one period and comes back over the next, and the threshold follows it event by event.
 *
 * <p>Example ids are {@code e<index>}, the event time is the zero-based index, importance is 1; progress is
 * counted in examples.
 */
public final class DriftingStream implements ExampleSource {

    private static final double TENFOLD = Math.log(10);

    private final DriftingStreamSpec spec;
    private final long events;
    private final List<String> labelNames;
    private final List<String> featureNames;
    /** Unit direction of each label, {@code [label][feature]}. */
    private final double[][] directions;
    private final double[] lowPrevalence;
    private final double[] highPrevalence;
    private final double[] lowThreshold;
    private final double[] highThreshold;
    private final boolean[] startsHigh;
    private final Random sampling;
    /** A permutation of the feature indices whose prefix picks a sparse row's non-zeros. */
    private final int[] featureOrder;
    private long produced;

    /**
     * @param events how many examples to produce; {@code Long.MAX_VALUE} for an endless stream
     */
    public DriftingStream(DriftingStreamSpec spec, long events) {
        if (events < 0) {
            throw new IllegalArgumentException("events must not be negative: " + events);
        }
        this.spec = spec;
        this.events = events;
        int labels = spec.labelCount();
        int features = spec.featureCount();
        // The demo's and the default configuration's names, so that evaluate --synthetic and the demo agree.
        labelNames = IntStream.range(0, labels).mapToObj(l -> "l" + l).toList();
        featureNames = IntStream.range(0, features).mapToObj(i -> "x" + i).toList();
        Random setup = new Random(spec.seed());
        directions = new double[labels][features];
        for (double[] direction : directions) {
            double squaredNorm = 0;
            for (int i = 0; i < features; i++) {
                direction[i] = setup.nextGaussian();
                squaredNorm += direction[i] * direction[i];
            }
            double norm = Math.sqrt(squaredNorm);
            for (int i = 0; i < features; i++) {
                direction[i] /= norm;
            }
        }
        lowPrevalence = new double[labels];
        highPrevalence = new double[labels];
        startsHigh = new boolean[labels];
        lowPrevalence[0] = spec.minPrevalence();
        highPrevalence[0] = spec.minPrevalence();
        double logRange = Math.log(spec.maxPrevalence() / spec.minPrevalence());
        double logShift = Math.min(logRange, TENFOLD);
        List<Integer> levelRanks = shuffledRange(labels - 1, setup);
        List<Integer> phaseRanks = shuffledRange(labels - 1, setup);
        for (int label = 1; label < labels; label++) {
            double spread = labels > 2 ? levelRanks.get(label - 1) / (labels - 2.0) : 0.5;
            lowPrevalence[label] = spec.minPrevalence() * Math.exp(spread * (logRange - logShift));
            highPrevalence[label] = lowPrevalence[label] * Math.exp(logShift);
            startsHigh[label] = phaseRanks.get(label - 1) % 2 == 1;
        }
        lowThreshold = new double[labels];
        highThreshold = new double[labels];
        for (int label = 0; label < labels; label++) {
            lowThreshold[label] = NormalQuantile.of(1 - lowPrevalence[label]);
            highThreshold[label] = NormalQuantile.of(1 - highPrevalence[label]);
        }
        sampling = new Random(setup.nextLong());
        featureOrder = IntStream.range(0, features).toArray();
    }

    private static List<Integer> shuffledRange(int size, Random random) {
        List<Integer> values = new ArrayList<>(IntStream.range(0, size).boxed().toList());
        Collections.shuffle(values, random);
        return values;
    }

    /**
     * The scheduled prevalence of a label at an event index: the probability that the label is positive there.
     */
    public double prevalenceAt(int label, long eventIndex) {
        if (label < 0 || label >= spec.labelCount() || eventIndex < 0) {
            throw new IllegalArgumentException("no label " + label + " at event " + eventIndex);
        }
        boolean high = isHigh(label, eventIndex);
        if (!spec.gradual() || lowPrevalence[label] == highPrevalence[label]) {
            return high ? highPrevalence[label] : lowPrevalence[label];
        }
        double from = Math.log(high ? highPrevalence[label] : lowPrevalence[label]);
        double to = Math.log(high ? lowPrevalence[label] : highPrevalence[label]);
        double progress = (eventIndex % spec.driftPeriodEvents()) / (double) spec.driftPeriodEvents();
        return Math.exp(from + progress * (to - from));
    }

    /** The score a label's positives exceed at an event index: {@code Φ⁻¹(1 - p)} for its prevalence there. */
    private double thresholdAt(int label, long eventIndex) {
        if (spec.gradual()) {
            return NormalQuantile.of(1 - prevalenceAt(label, eventIndex));
        }
        return isHigh(label, eventIndex) ? highThreshold[label] : lowThreshold[label];
    }

    private boolean isHigh(int label, long eventIndex) {
        boolean oddRegime = (eventIndex / spec.driftPeriodEvents()) % 2 == 1;
        return oddRegime != startsHigh[label];
    }

    @Override
    public boolean hasNext() {
        return produced < events;
    }

    @Override
    public Example next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream ends after " + events + " events");
        }
        long index = produced++;
        Features features;
        double[] scores;
        if (spec.sparse()) {
            Features.Sparse row = sparseRow();
            features = row;
            scores = sparseScores(row);
        } else {
            float[] values = new float[spec.featureCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) sampling.nextGaussian();
            }
            features = new Features.Dense(values);
            scores = denseScores(values);
        }
        int[] positives = new int[spec.labelCount()];
        int positiveCount = 0;
        for (int label = 0; label < positives.length; label++) {
            boolean positive = sampling.nextDouble() < spec.labelNoise()
                    ? sampling.nextDouble() < prevalenceAt(label, index)
                    : scores[label] > thresholdAt(label, index);
            if (positive) {
                positives[positiveCount++] = label;
            }
        }
        return new Example("e" + index, index, features, Arrays.copyOf(positives, positiveCount), 1);
    }

    private Features.Sparse sparseRow() {
        int nonZeros = spec.nonZerosPerRow();
        for (int j = 0; j < nonZeros; j++) {
            int pick = j + sampling.nextInt(featureOrder.length - j);
            int swapped = featureOrder[j];
            featureOrder[j] = featureOrder[pick];
            featureOrder[pick] = swapped;
        }
        int[] indices = Arrays.copyOf(featureOrder, nonZeros);
        Arrays.sort(indices);
        float[] values = new float[nonZeros];
        for (int j = 0; j < nonZeros; j++) {
            values[j] = (float) sampling.nextGaussian();
        }
        return new Features.Sparse(indices, values);
    }

    private double[] denseScores(float[] values) {
        double[] scores = new double[spec.labelCount()];
        for (int label = 0; label < scores.length; label++) {
            double score = 0;
            for (int i = 0; i < values.length; i++) {
                score += directions[label][i] * values[i];
            }
            scores[label] = score;
        }
        return scores;
    }

    private double[] sparseScores(Features.Sparse row) {
        double[] scores = new double[spec.labelCount()];
        for (int label = 0; label < scores.length; label++) {
            double score = 0;
            double squaredNorm = 0;
            for (int j = 0; j < row.indices().length; j++) {
                double weight = directions[label][row.indices()[j]];
                score += weight * row.values()[j];
                squaredNorm += weight * weight;
            }
            scores[label] = squaredNorm > 0 ? score / Math.sqrt(squaredNorm) : 0;
        }
        return scores;
    }

    @Override
    public List<String> labelNames() {
        return labelNames;
    }

    @Override
    public int featureCount() {
        return spec.featureCount();
    }

    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    @Override
    public long position() {
        return produced;
    }

    @Override
    public long size() {
        return events == Long.MAX_VALUE ? -1 : events;
    }

    @Override
    public void close() {
        // Nothing to release: the stream is generated in memory.
    }
}
