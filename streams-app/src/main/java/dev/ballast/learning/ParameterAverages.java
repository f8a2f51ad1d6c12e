package dev.ballast.learning;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exponential moving average of a model's parameters that scores and is published when parameter averaging is on
 * (Polyak-Ruppert): after each step taken, {@code average += (1 - keep) * (value - average)} for every element.
 *
 * <p>A forward pass reads the averages in place, on the heap, or from a native copy refreshed only when a native
 * product needs it, so scoring through the averages copies nothing else.
 *
 * <p>With {@code lazyFirstLayerRows}, a step on sparse rows (which changes only the first-layer rows its features
 * touch) updates only those rows' averages. An untouched row's value stays the same, so its average only closes in on
 * it, by the product of the steps' {@code keep}; each first-layer row remembers the sum of {@code ln keep} up to which
 * its average is current, and is brought up to date, in closed form, when it is read or about to change. A step over
 * every row (a dense batch) brings every row up to date first and then updates every element, exactly as the eager
 * rule does. The cost of averaging a sparse step is therefore proportional to the rows it touches, not to the
 * vocabulary.
 */
final class ParameterAverages {

    private final List<Parameter> parameters;
    private final float[][] averages;
    private final INDArray[] natives;
    private final boolean[] nativeStale;
    /** Null unless the first layer's rows are averaged lazily. */
    private final double[] rowCurrentAt;
    private final int rowWidth;
    /** The sum of {@code ln keep} over every step averaged. */
    private double logKeepSum;

    private ParameterAverages(List<Parameter> parameters, float[][] averages, boolean lazyFirstLayerRows) {
        this.parameters = parameters;
        this.averages = averages;
        this.natives = new INDArray[parameters.size()];
        this.nativeStale = new boolean[parameters.size()];
        Arrays.fill(nativeStale, true);
        Parameter firstLayer = parameters.get(0);
        this.rowWidth = firstLayer.rowWidth;
        this.rowCurrentAt = lazyFirstLayerRows ? new double[firstLayer.length / firstLayer.rowWidth] : null;
    }

    /** Averages that start at the parameters' current values. */
    static ParameterAverages startingAt(List<Parameter> parameters, boolean lazyFirstLayerRows) {
        float[][] values = new float[parameters.size()][];
        for (int index = 0; index < parameters.size(); index++) {
            values[index] = parameters.get(index).copyOfValues();
        }
        return new ParameterAverages(parameters, values, lazyFirstLayerRows);
    }

    /** Averages restored as saved (every row up to date). */
    static ParameterAverages restored(List<Parameter> parameters, float[][] saved, boolean lazyFirstLayerRows) {
        return new ParameterAverages(parameters, saved, lazyFirstLayerRows);
    }

    /**
     * Brings the first-layer rows a coming step changes up to date: the rows the parameter's next step visits, or all
     * of them. Call after the gradient is known and before the optimiser moves the values.
     */
    void beforeStep() {
        if (rowCurrentAt == null) {
            return;
        }
        Parameter firstLayer = parameters.get(0);
        for (int segment = 0; segment < firstLayer.segmentCount(); segment++) {
            int from = firstLayer.segmentStart(segment) / rowWidth;
            int to = firstLayer.segmentEnd(segment) / rowWidth;
            for (int row = from; row < to; row++) {
                catchUp(row);
            }
        }
    }

    /** Moves the averages of the elements the step visited towards their new values by {@code 1 - keep}. */
    void afterStep(float keep) {
        logKeepSum += Math.log(keep);
        for (int index = 0; index < parameters.size(); index++) {
            Parameter p = parameters.get(index);
            float[] average = averages[index];
            float[] values = p.heapValues;
            boolean lazy = index == 0 && rowCurrentAt != null;
            int segments = lazy ? p.segmentCount() : 1;
            for (int segment = 0; segment < segments; segment++) {
                int from = lazy ? p.segmentStart(segment) : 0;
                int to = lazy ? p.segmentEnd(segment) : p.length;
                for (int i = from; i < to; i++) {
                    average[i] += (1 - keep) * (values[i] - average[i]);
                }
                if (lazy) {
                    Arrays.fill(rowCurrentAt, from / rowWidth, to / rowWidth, logKeepSum);
                }
            }
            nativeStale[index] = true;
        }
    }

    /** Whether the first layer's rows are averaged lazily (and must be brought up to date before they are read). */
    boolean lazyRows() {
        return rowCurrentAt != null;
    }

    /** Brings the first-layer rows of the given features up to date (before a forward pass of sparse rows reads them). */
    void catchUpRows(int[] rows, int count) {
        if (rowCurrentAt == null) {
            return;
        }
        for (int k = 0; k < count; k++) {
            catchUp(rows[k]);
        }
    }

    /** Brings every row up to date (before the averages are read whole). */
    void catchUpAll() {
        if (rowCurrentAt == null) {
            return;
        }
        for (int row = 0; row < rowCurrentAt.length; row++) {
            catchUp(row);
        }
    }

    private void catchUp(int row) {
        double behind = logKeepSum - rowCurrentAt[row];
        if (behind == 0) {
            return;
        }
        // The row's value has not moved since its average was current: the average closes in on it geometrically.
        double remaining = Math.exp(behind);
        float[] average = averages[0];
        float[] values = parameters.get(0).heapValues;
        int start = row * rowWidth;
        for (int i = start; i < start + rowWidth; i++) {
            average[i] = (float) (values[i] + (average[i] - values[i]) * remaining);
        }
        rowCurrentAt[row] = logKeepSum;
        nativeStale[0] = true;
    }

    /** The heap averages of one parameter; the first layer's only as current as its rows were brought up to date. */
    float[] heap(int index) {
        return averages[index];
    }

    /** Sets one element of a parameter's average (an output bias set from its prior). */
    void set(int index, int element, float value) {
        averages[index][element] = value;
        nativeStale[index] = true;
    }

    /** A native copy of one parameter's averages, every row up to date, for a native matrix product. */
    INDArray nativeValues(int index) {
        float[] current = current(index);
        if (natives[index] == null) {
            long[] dims = Arrays.stream(parameters.get(index).shape).asLongStream().toArray();
            natives[index] = Nd4j.create(DataType.FLOAT, dims);
        }
        if (nativeStale[index]) {
            natives[index].data().asNioFloat().put(0, current, 0, current.length);
            nativeStale[index] = false;
        }
        return natives[index];
    }

    /** One parameter's averages, every row brought up to date; the array itself, read before the next step. */
    float[] current(int index) {
        if (index == 0) {
            catchUpAll();
        }
        return averages[index];
    }

    /** A copy of one parameter's averages, every row up to date. */
    float[] copyOf(int index) {
        return current(index).clone();
    }
}
