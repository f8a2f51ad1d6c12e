package dev.ballast.learning;

import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reusable float32 buffer of up to {@link #capacity()} labelled examples, filled row by row and consumed by
 * {@link MultiLabelModel#predict} and {@link MultiLabelModel#learn}. A row is dense (all features) or sparse
 * (indices and values of the non-zeros); one batch may mix both. Storage for dense rows is allocated on the
 * first dense row, so a sparse-only batch over a very wide feature space stays small.
 *
 * <p>The pending rows belong to the processor's changelogged state: {@link #toSaved} and {@link #fromSaved}
 * round-trip them bit-exactly. Not thread-safe.
 */
public final class MiniBatch {

    private final int capacity;
    private final int featureCount;
    private final int labelCount;
    private final float[] targets;
    private final float[] importance;
    private final boolean[] sparse;
    private final int[] sparseStart;
    private float[] denseFeatures;
    private int[] sparseIndices = new int[16];
    private float[] sparseValues = new float[16];
    private int denseRows;
    private int size;
    private float[] elementWeights;
    /** Changes with every row added and every clear, so a model can tell a batch it has seen from a changed one. */
    private int version;

    public MiniBatch(int capacity, int featureCount, int labelCount) {
        if (capacity <= 0 || featureCount <= 0 || labelCount <= 0) {
            throw new IllegalArgumentException("capacity, featureCount and labelCount must be > 0, got "
                    + capacity + ", " + featureCount + ", " + labelCount);
        }
        this.capacity = capacity;
        this.featureCount = featureCount;
        this.labelCount = labelCount;
        this.targets = new float[capacity * labelCount];
        this.importance = new float[capacity];
        this.sparse = new boolean[capacity];
        this.sparseStart = new int[capacity + 1];
    }

    /**
     * Appends a dense row.
     *
     * @param features   {@code featureCount()} values
     * @param targets    {@code labelCount()} values, 1 for a positive label and 0 otherwise
     * @param importance the example's weight, finite and &gt;= 0; it multiplies the example's loss
     */
    public void addDense(float[] features, float[] targets, float importance) {
        if (features.length != featureCount) {
            throw new IllegalArgumentException("Expected " + featureCount + " features, got " + features.length);
        }
        checkRow(targets, importance);
        if (denseFeatures == null) {
            denseFeatures = new float[capacity * featureCount];
        }
        System.arraycopy(features, 0, denseFeatures, size * featureCount, featureCount);
        sparse[size] = false;
        sparseStart[size + 1] = sparseStart[size];
        denseRows++;
        appendLabels(targets, importance);
    }

    /**
     * Appends a sparse row: the features not listed are 0.
     *
     * @param indices feature indices in [0, featureCount()), any order, no repeats
     * @param values  their values, same length as {@code indices}
     */
    public void addSparse(int[] indices, float[] values, float[] targets, float importance) {
        if (indices.length != values.length) {
            throw new IllegalArgumentException("indices and values differ in length: "
                    + indices.length + " vs " + values.length);
        }
        for (int index : indices) {
            if (index < 0 || index >= featureCount) {
                throw new IllegalArgumentException("Feature index " + index + " outside [0, " + featureCount + ")");
            }
        }
        checkRow(targets, importance);
        int start = sparseStart[size];
        int end = start + indices.length;
        if (end > sparseIndices.length) {
            int grown = Math.max(end, sparseIndices.length * 2);
            sparseIndices = Arrays.copyOf(sparseIndices, grown);
            sparseValues = Arrays.copyOf(sparseValues, grown);
        }
        System.arraycopy(indices, 0, sparseIndices, start, indices.length);
        System.arraycopy(values, 0, sparseValues, start, values.length);
        sparse[size] = true;
        sparseStart[size + 1] = end;
        appendLabels(targets, importance);
    }

    private void checkRow(float[] rowTargets, float importance) {
        if (isFull()) {
            throw new IllegalStateException("MiniBatch is full (" + capacity + " rows)");
        }
        if (rowTargets.length != labelCount) {
            throw new IllegalArgumentException("Expected " + labelCount + " targets, got " + rowTargets.length);
        }
        if (!(importance >= 0) || Float.isInfinite(importance)) {
            throw new IllegalArgumentException("importance must be finite and >= 0, got " + importance);
        }
    }

    private void appendLabels(float[] rowTargets, float rowImportance) {
        System.arraycopy(rowTargets, 0, targets, size * labelCount, labelCount);
        importance[size] = rowImportance;
        size++;
        version++;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public boolean isFull() {
        return size == capacity;
    }

    /** Empties the batch, keeping its storage. */
    public void clear() {
        size = 0;
        denseRows = 0;
        elementWeights = null;
        version++;
    }

    /**
     * Sets a weight per (row, label) of the rows now in the batch, row-major, that multiplies each element's loss
     * in the next step on it (on top of the row's importance): negative sampling's weights
     * ({@link NegativeSampling}). Not part of the saved rows: it is drawn again when the batch is trained. Cleared
     * with the batch.
     */
    public void setElementWeights(float[] weights) {
        if (weights.length < size * labelCount) {
            throw new IllegalArgumentException("Expected " + size * labelCount + " element weights, got "
                    + weights.length);
        }
        elementWeights = weights;
    }

    /** The weights of {@link #setElementWeights}, or null when every element weighs 1. */
    float[] elementWeights() {
        return elementWeights;
    }

    int version() {
        return version;
    }

    public int featureCount() {
        return featureCount;
    }

    public int labelCount() {
        return labelCount;
    }

    public float target(int row, int label) {
        checkIndex(row);
        return targets[row * labelCount + label];
    }

    /** The importance weight of a row. */
    public float importance(int row) {
        checkIndex(row);
        return importance[row];
    }

    /** Whether a row was added with {@link #addSparse}. */
    public boolean isSparse(int row) {
        checkIndex(row);
        return sparse[row];
    }

    private void checkIndex(int row) {
        if (row < 0 || row >= size) {
            throw new IndexOutOfBoundsException("row " + row + " of " + size);
        }
    }

    boolean hasDenseRows() {
        return denseRows > 0;
    }

    boolean hasSparseRows() {
        return denseRows < size;
    }

    float[] denseFeatures() {
        return denseFeatures;
    }

    float[] targets() {
        return targets;
    }

    float[] importances() {
        return importance;
    }

    boolean[] sparseRows() {
        return sparse;
    }

    int[] sparseStart() {
        return sparseStart;
    }

    int[] sparseIndices() {
        return sparseIndices;
    }

    float[] sparseValues() {
        return sparseValues;
    }

    /**
     * These rows for another label list: label {@code l} of the copy is label {@code source[l]} here, or negative
     * where {@code source[l]} is -1 (a label the rows were taken in without).
     */
    public MiniBatch withLabels(int[] source) {
        MiniBatch copy = new MiniBatch(capacity, featureCount, source.length);
        float[] rowTargets = new float[source.length];
        for (int row = 0; row < size; row++) {
            for (int label = 0; label < source.length; label++) {
                rowTargets[label] = source[label] >= 0 ? targets[row * labelCount + source[label]] : 0f;
            }
            if (sparse[row]) {
                int start = sparseStart[row];
                int end = sparseStart[row + 1];
                copy.addSparse(Arrays.copyOfRange(sparseIndices, start, end), Arrays.copyOfRange(sparseValues, start, end),
                        rowTargets, importance[row]);
            } else {
                copy.addDense(Arrays.copyOfRange(denseFeatures, row * featureCount, (row + 1) * featureCount), rowTargets,
                        importance[row]);
            }
        }
        return copy;
    }

    /** The pending rows as saved-state records. */
    public List<SavedRow> toSaved() {
        List<SavedRow> rows = new ArrayList<>(size);
        for (int row = 0; row < size; row++) {
            List<Float> rowTargets = new ArrayList<>(labelCount);
            for (int label = 0; label < labelCount; label++) {
                rowTargets.add(targets[row * labelCount + label]);
            }
            List<Integer> indices = null;
            List<Float> values = new ArrayList<>();
            if (sparse[row]) {
                indices = new ArrayList<>();
                for (int k = sparseStart[row]; k < sparseStart[row + 1]; k++) {
                    indices.add(sparseIndices[k]);
                    values.add(sparseValues[k]);
                }
            } else {
                for (int j = 0; j < featureCount; j++) {
                    values.add(denseFeatures[row * featureCount + j]);
                }
            }
            // The served scores of a late-labelled row are the trainer's to add (OnlineTrainer.saveTo).
            rows.add(SavedRow.newBuilder().setIndices(indices).setValues(values).setTargets(rowTargets)
                    .setImportance(importance[row]).build());
        }
        return rows;
    }

    /**
     * A batch of the saved rows, of {@code capacity} rows (the batch size configured now) or one more than it holds
     * when more were saved (so that one more row fits and completes it).
     */
    public static MiniBatch fromSaved(List<SavedRow> rows, int capacity, int featureCount, int labelCount) {
        MiniBatch batch = new MiniBatch(Math.max(capacity, rows.size() + 1), featureCount, labelCount);
        for (SavedRow row : rows) {
            float[] rowTargets = SavedArrays.toFloats(row.getTargets());
            float[] values = SavedArrays.toFloats(row.getValues());
            if (row.getIndices() == null) {
                batch.addDense(values, rowTargets, row.getImportance());
            } else {
                batch.addSparse(row.getIndices().stream().mapToInt(Integer::intValue).toArray(), values, rowTargets,
                        row.getImportance());
            }
        }
        return batch;
    }
}
