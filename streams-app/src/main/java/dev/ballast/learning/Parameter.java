package dev.ballast.learning;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One trainable tensor: its value and gradient as native float32 arrays (operands of gemm), with NIO views
 * for the element-wise work done in Java, plus the optimiser's per-element state.
 */
final class Parameter {

    final String name;
    final int[] shape;
    final int length;
    final boolean penalised;
    final INDArray value;
    final INDArray gradient;
    final FloatBuffer values;
    final FloatBuffer gradients;
    /** First optimiser moment: SGD velocity, AdaGrad squared-gradient sum, Adam mean. */
    final float[] firstState;
    /** Adam's second moment; empty for the other optimisers. */
    final float[] secondState;
    /** Heap copies of the values and gradients, the optimiser's working arrays during a step. */
    final float[] heapValues;
    final float[] heapGradients;
    /** The optimiser's state as computed by a step not yet known to be finite (working copies, like heapValues). */
    final float[] nextFirstState;
    final float[] nextSecondState;
    /** Elements per row: the last dimension. */
    final int rowWidth;
    /** The rows the next optimiser step visits, or null for all of them. */
    private int[] activeRows;
    private int activeRowCount;

    Parameter(String name, int[] shape, boolean penalised, OptimizerType optimizer) {
        this.name = name;
        this.shape = shape.clone();
        this.penalised = penalised;
        long[] dims = new long[shape.length];
        int product = 1;
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
            product = Math.multiplyExact(product, shape[i]);
        }
        this.length = product;
        this.rowWidth = shape[shape.length - 1];
        this.value = Nd4j.create(DataType.FLOAT, dims);
        this.gradient = Nd4j.create(DataType.FLOAT, dims);
        this.values = value.data().asNioFloat();
        this.gradients = gradient.data().asNioFloat();
        this.heapValues = new float[length];
        this.heapGradients = new float[length];
        this.firstState = new float[length];
        this.secondState = new float[optimizer == OptimizerType.ADAM ? length : 0];
        this.nextFirstState = new float[length];
        this.nextSecondState = new float[secondState.length];
    }

    /**
     * Limits the next optimiser step to the given rows, whose gradients are the only non-zero ones. Only valid
     * when a zero gradient leaves value and state untouched (see {@link Optimizer#skipsZeroGradients}).
     */
    void restrictToRows(int[] rows, int count) {
        activeRows = rows;
        activeRowCount = count;
    }

    /** The next optimiser step visits every element. */
    void activateAllRows() {
        activeRows = null;
    }

    /** Contiguous runs of elements the optimiser visits: every element, or the active rows. */
    int segmentCount() {
        return activeRows == null ? 1 : activeRowCount;
    }

    int segmentStart(int segment) {
        return activeRows == null ? 0 : activeRows[segment] * rowWidth;
    }

    int segmentEnd(int segment) {
        return activeRows == null ? length : segmentStart(segment) + rowWidth;
    }

    float[] copyOfValues() {
        float[] copy = new float[length];
        for (int i = 0; i < length; i++) {
            copy[i] = values.get(i);
        }
        return copy;
    }

    void writeTo(DataOutput out) throws IOException {
        for (int i = 0; i < length; i++) {
            out.writeFloat(values.get(i));
        }
        writeFloats(out, firstState);
        writeFloats(out, secondState);
    }

    void readFrom(DataInput in) throws IOException {
        for (int i = 0; i < length; i++) {
            values.put(i, in.readFloat());
        }
        readFloats(in, firstState);
        readFloats(in, secondState);
    }

    private static void writeFloats(DataOutput out, float[] array) throws IOException {
        for (float v : array) {
            out.writeFloat(v);
        }
    }

    private static void readFloats(DataInput in, float[] array) throws IOException {
        for (int i = 0; i < array.length; i++) {
            array[i] = in.readFloat();
        }
    }
}
