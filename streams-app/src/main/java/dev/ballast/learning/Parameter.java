package dev.ballast.learning;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One trainable tensor: its value and gradient as native float32 arrays (operands of gemm), with NIO views
 * for the element-wise work done in Java. The optimiser's per-element state belongs to the {@link Optimiser}.
 *
 * <p>The values have a heap mirror, {@link #heapValues}, equal to the native values between optimiser steps:
 * row-wise reads (the sparse first layer) and the optimiser use it instead of a checked native access per row.
 * Write values only through {@link #setValue} or the optimiser, which keep the two equal.
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
    /**
     * The values on the heap, equal to {@link #values} between steps; during a step, the optimiser's working
     * copy (restored from {@link #values} if the step is not taken).
     */
    final float[] heapValues;
    /** Heap copy of the gradients, the optimiser's working array; see {@link #heapGradientsCurrent}. */
    final float[] heapGradients;
    /**
     * Whether {@link #heapGradients} already holds this step's gradient (the sparse first layer accumulates there
     * directly); otherwise the optimiser copies it from the native {@link #gradients}. Reset by every step.
     */
    boolean heapGradientsCurrent;
    /** Elements per row: the last dimension. */
    final int rowWidth;
    /** The rows the next optimiser step visits, or null for all of them. */
    private int[] activeRows;
    private int activeRowCount;

    Parameter(String name, int[] shape, boolean penalised) {
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
    }

    /**
     * Limits the next optimiser step to the given rows, whose gradients are the only non-zero ones. Only valid
     * when a zero gradient leaves value and state untouched (see {@link Optimiser#skipsZeroGradients}).
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

    /** Sets one value, native and heap mirror alike. */
    void setValue(int index, float value) {
        values.put(index, value);
        heapValues[index] = value;
    }

    float[] copyOfValues() {
        return heapValues.clone();
    }

    /** The values (from the heap mirror, equal to the native values between steps). */
    void writeTo(DataOutput out) throws IOException {
        writeFloats(out, heapValues);
    }

    void readFrom(DataInput in) throws IOException {
        readFloats(in, heapValues);
        values.put(0, heapValues, 0, length);
    }

    /** The bytes of {@link DataOutput#writeFloat} for each value, written at once (one call per value was slow). */
    static void writeFloats(DataOutput out, float[] array) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(array.length * Float.BYTES);
        for (float v : array) {
            bytes.putInt(Float.floatToIntBits(v));
        }
        out.write(bytes.array());
    }

    static void readFloats(DataInput in, float[] array) throws IOException {
        byte[] bytes = new byte[array.length * Float.BYTES];
        in.readFully(bytes);
        ByteBuffer.wrap(bytes).asFloatBuffer().get(array);
    }
}
