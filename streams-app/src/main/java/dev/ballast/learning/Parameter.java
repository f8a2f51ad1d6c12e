package dev.ballast.learning;

import dev.ballast.schema.state.SavedArrays;
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

    /** The values (from the heap mirror, equal to the native values between steps) as a packed float32 tensor. */
    ByteBuffer toSaved() {
        return SavedArrays.tensor(heapValues);
    }

    /** Takes the values of {@link #toSaved}'s tensor. */
    void restore(ByteBuffer saved) {
        SavedArrays.copyTensor(saved, heapValues, "parameter " + name);
        values.put(0, heapValues, 0, length);
    }
}
