package dev.ballast.learning;

import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedModel;
import dev.ballast.schema.state.SavedParameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The linear model (one layer) and the MLP (a ReLU hidden layer, then the output layer) on ND4J. Each dense
 * layer is one gemm per batch over preallocated buffers, native for large products and in Java for small ones
 * ({@link DenseKernels}: below some 30,000 multiply-adds a native call costs more than the product). Which one
 * depends only on the shapes, so a replay takes the same path and gets the same bits. Sparse rows enter the
 * first layer by a gather (forward) and scatter (backward) in Java over the rows of the weight matrix, so a
 * wide sparse input is never densified. When a batch has only sparse rows and a zero gradient provably changes
 * nothing (AdaGrad, or SGD without momentum, and no L2), the optimiser visits only the first-layer rows the
 * batch touched. Element-wise work (bias, activation, loss, optimiser) runs in Java on heap copies of the
 * native buffers, one bulk copy each way: one native call per element-wise op would cost more than the
 * arithmetic, and a checked buffer access per element nearly as much. The weights and biases are read from
 * their heap mirrors ({@link Parameter#heapValues}); the gather reads weight rows there, and the scatter adds
 * into the heap gradient the optimiser reads.
 */
final class FeedForwardModel implements MultiLabelModel {

    private static final double PRIOR_CLAMP = 1e-4;

    static {
        NativeRuntime.prepare();
    }

    private final LearningSettings settings;
    private final int featureCount;
    private final int labelCount;
    /** Per layer: weights [in, out] then bias [out]. */
    private final List<Parameter> parameters = new ArrayList<>();
    private final int[] layerWidths;
    private final Standardiser standardiser;
    private final Objective objective;
    private final Optimiser optimiser;
    private long steps;
    private long skippedSteps;
    private long eventsInSkippedSteps;
    /** Sparse-only batches update just the first-layer rows they touch, when that is exact. */
    private final boolean rowSparseSteps;
    /** Per label, whether its output bias was set from its prior (a label added to a restored model is not yet). */
    private final boolean[] biasInitialised;
    private Workspace workspace;
    private int[] touchedFeatures;
    private int[] featureStamps;
    private int stamp;
    /**
     * The batch, its version and row count whose features {@link #touchedFeatures} lists ({@link #touchedCount} of
     * them): a batch scored through the averages and then stepped on is listed once.
     */
    private MiniBatch touchedBatch;
    private int touchedBatchVersion;
    private int touchedRows;
    private int touchedCount;
    private final DenseKernels kernels = new DenseKernels();
    /** Changes whenever parameters or standardisation change: a forward pass computed before is then stale. */
    private long stateVersion;
    /**
     * The batch (and its version) whose forward pass through the trained parameters the workspace holds, computed at
     * {@link #forwardStateVersion}; null after a pass through the averages, which a step never reuses.
     */
    private MiniBatch forwardBatch;
    private int forwardBatchVersion;
    private long forwardStateVersion;
    /**
     * The moving average of the parameters that scores and is published when averaging is on
     * ({@link LearningSettings#averagingDecay}); null when it is off or before the first step.
     */
    private ParameterAverages averages;
    /** Matrix products of at most this many multiply-adds run in Java (tests lower it to compare both paths). */
    private long javaKernelLimit = DenseKernels.JAVA_MAX_MULTIPLY_ADDS;

    FeedForwardModel(int featureCount, int labelCount, LearningSettings settings) {
        if (featureCount <= 0 || labelCount <= 0) {
            throw new IllegalArgumentException("featureCount and labelCount must be > 0");
        }
        this.settings = settings;
        this.featureCount = featureCount;
        this.labelCount = labelCount;
        this.standardiser = new Standardiser(featureCount, settings.standardiser());
        this.biasInitialised = new boolean[labelCount];
        if (settings.modelType() == ModelType.LINEAR) {
            layerWidths = new int[] {featureCount, labelCount};
            addLayer("W", "b");
        } else {
            layerWidths = new int[] {featureCount, settings.hiddenUnits(), labelCount};
            addLayer("W1", "b1");
            addLayer("W2", "b2");
            SplittableRandom random = new SplittableRandom(settings.seed());
            // He initialisation for the ReLU layer, Glorot for the sigmoid output layer.
            fillUniform(parameters.get(0), Math.sqrt(6.0 / featureCount), random);
            fillUniform(parameters.get(2), Math.sqrt(6.0 / (settings.hiddenUnits() + labelCount)), random);
        }
        this.objective = settings.objective().create();
        this.optimiser = Optimiser.create(settings, parameters);
        this.rowSparseSteps = optimiser.skipsZeroGradients();
    }

    private void addLayer(String weightName, String biasName) {
        int layer = parameters.size() / 2;
        int in = layerWidths[layer];
        int out = layerWidths[layer + 1];
        parameters.add(new Parameter(weightName, new int[] {in, out}, true));
        parameters.add(new Parameter(biasName, new int[] {out}, false));
    }

    private static void fillUniform(Parameter p, double limit, SplittableRandom random) {
        for (int i = 0; i < p.length; i++) {
            p.setValue(i, (float) random.nextDouble(-limit, limit));
        }
    }

    private int layers() {
        return layerWidths.length - 1;
    }

    private Parameter weights(int layer) {
        return parameters.get(2 * layer);
    }

    private Parameter bias(int layer) {
        return parameters.get(2 * layer + 1);
    }

    /** The trainable tensors, for tests of their invariants. */
    List<Parameter> trainableParameters() {
        return List.copyOf(parameters);
    }

    /** Sets the size up to which matrix products run in Java: 0 for always native, Long.MAX_VALUE for never. */
    void javaKernelLimit(long multiplyAdds) {
        this.javaKernelLimit = multiplyAdds;
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    @Override
    public int labelCount() {
        return labelCount;
    }

    @Override
    public LearningSettings settings() {
        return settings;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public long skippedSteps() {
        return skippedSteps;
    }

    @Override
    public long eventsInSkippedSteps() {
        return eventsInSkippedSteps;
    }

    @Override
    public void predict(MiniBatch batch, float[] probabilitiesOut, float[] logitOffsets) {
        if (logitOffsets.length != labelCount) {
            throw new IllegalArgumentException("Expected " + labelCount + " logit offsets");
        }
        int rows = batch.size();
        logits(batch, probabilitiesOut);
        for (int row = 0; row < rows; row++) {
            for (int label = 0; label < labelCount; label++) {
                int i = row * labelCount + label;
                probabilitiesOut[i] = (float) WeightedBinaryCrossEntropy.sigmoid(probabilitiesOut[i] + logitOffsets[label]);
            }
        }
    }

    @Override
    public void logits(MiniBatch batch, float[] logitsOut) {
        int rows = checkBatch(batch);
        if (logitsOut.length < rows * labelCount) {
            throw new IllegalArgumentException("the output holds " + logitsOut.length + " values, needs "
                    + rows * labelCount);
        }
        if (rows == 0) {
            return;
        }
        boolean averaged = averages != null;
        if (averaged) {
            if (batch.hasDenseRows()) {
                averages.catchUpAll();
            } else if (averages.lazyRows()) {
                int touched = collectTouchedFeatures(batch, rows);
                averages.catchUpRows(touchedFeatures, touched);
            }
        }
        forward(batch, rows, averaged).get(0, logitsOut, 0, rows * labelCount);
    }

    @Override
    public StepResult learn(MiniBatch batch, float[] posWeights, float[] negWeights, float[] logitOffsets,
            double gradientScale) {
        int rows = checkBatch(batch);
        if (!(gradientScale > 0 && gradientScale <= 1)) {
            throw new IllegalArgumentException("gradientScale must be in (0, 1], got " + gradientScale);
        }
        if (posWeights.length != labelCount || negWeights.length != labelCount || logitOffsets.length != labelCount) {
            throw new IllegalArgumentException("Expected " + labelCount + " positive and negative weights and offsets");
        }
        if (rows == 0) {
            return new StepResult(0, 0, true, "empty batch");
        }
        // Until the standardiser has statistics (two dense rows), the first batch updates it before its step:
        // raw features in the first AdaGrad step would inflate its accumulators for good.
        boolean warmingUp = settings.standardize() && batch.hasDenseRows() && !standardiser.hasStatistics();
        if (warmingUp) {
            standardiser.update(batch);
            stateVersion++;
        }
        // Test-then-train: the batch was usually just predicted, and that forward pass is reused.
        FloatBuffer logits = holdsForwardOf(batch)
                ? workspace.preActivations[layers() - 1].elements
                : forward(batch, rows, false);
        StepResult result = step(batch, rows, logits, posWeights, negWeights, logitOffsets, gradientScale);
        if (settings.standardize() && !warmingUp) {
            standardiser.update(batch);
        }
        stateVersion++;
        return result;
    }

    /** Whether the workspace holds the forward pass of this batch, unchanged, through the model as it is now. */
    private boolean holdsForwardOf(MiniBatch batch) {
        return forwardBatch == batch && forwardBatchVersion == batch.version() && forwardStateVersion == stateVersion;
    }

    private StepResult step(MiniBatch batch, int rows, FloatBuffer logits, float[] posWeights, float[] negWeights,
            float[] logitOffsets, double gradientScale) {
        // Element-wise work on heap copies: one bulk copy each way instead of a checked buffer access per element.
        float[] logitValues = workspace.scratch(rows * labelCount);
        logits.get(0, logitValues, 0, rows * labelCount);
        float[] gradients = workspace.secondScratch(rows * labelCount);
        Objective.Losses losses = objective.evaluate(logitValues, batch.targets(), batch.importances(), rows,
                labelCount, posWeights, negWeights, logitOffsets, gradients);
        float[] elementWeights = batch.elementWeights();
        if (elementWeights != null) {
            // Negative sampling: the gradient is linear in each element's weight.
            for (int i = 0; i < rows * labelCount; i++) {
                gradients[i] *= elementWeights[i];
            }
        }
        if (gradientScale != 1.0) {
            // A short batch, counted for part of a full one.
            float scale = (float) gradientScale;
            for (int i = 0; i < rows * labelCount; i++) {
                gradients[i] *= scale;
            }
        }
        workspace.logitGradients.elements.put(0, gradients, 0, rows * labelCount);
        double weightedLoss = losses.weighted();
        double unweightedLoss = losses.unweighted();
        if (!Double.isFinite(weightedLoss)) {
            return skip(rows, weightedLoss, unweightedLoss, "non-finite loss");
        }
        backward(batch, rows);
        if (averages != null) {
            averages.beforeStep();
        }
        String reason = optimiser.step(steps + 1);
        if (reason != null) {
            return skip(rows, weightedLoss, unweightedLoss, reason);
        }
        steps++;
        updateAverages();
        return new StepResult(weightedLoss, unweightedLoss, false, null);
    }

    /**
     * Moves the averages towards the values after a step taken. The decay ramps up as in TensorFlow's
     * {@code ExponentialMovingAverage} with {@code num_updates}, {@code min(decay, (1 + steps) / (10 + steps))}, so the
     * first parameters (bias from the prior, weights at zero) do not linger in the average of a young model.
     */
    private void updateAverages() {
        if (!settings.averages()) {
            return;
        }
        if (averages == null) {
            averages = ParameterAverages.startingAt(parameters, rowSparseSteps);
            return;
        }
        averages.afterStep((float) Math.min(settings.averagingDecay(), (1.0 + steps) / (10.0 + steps)));
    }

    private StepResult skip(int rows, double weightedLoss, double unweightedLoss, String reason) {
        skippedSteps++;
        eventsInSkippedSteps += rows;
        return new StepResult(weightedLoss, unweightedLoss, true, reason);
    }

    private int checkBatch(MiniBatch batch) {
        if (batch.featureCount() != featureCount || batch.labelCount() != labelCount) {
            throw new IllegalArgumentException("Batch shape " + batch.featureCount() + "x" + batch.labelCount()
                    + " does not match model " + featureCount + "x" + labelCount);
        }
        if (workspace == null || workspace.capacity < batch.capacity()) {
            workspace = new Workspace(batch.capacity(), layerWidths);
            forwardBatch = null;
        }
        return batch.size();
    }

    /**
     * Fills the workspace's pre-activations and activations, through the trained parameters or through their
     * averages; returns the logits, row-major.
     */
    private FloatBuffer forward(MiniBatch batch, int rows, boolean throughAverages) {
        Workspace ws = workspace;
        Buffer input = ws.preActivations[0];
        boolean dense = batch.hasDenseRows();
        if (dense) {
            loadDenseInput(batch, rows);
            multiply(ws.input(), rows, 0, throughAverages, input);
        } else {
            zero(input.elements, rows * layerWidths[1]);
        }
        gatherSparseRows(batch, rows, input.elements, values(0, throughAverages));
        for (int layer = 0; layer < layers(); layer++) {
            Buffer preActivation = ws.preActivations[layer];
            if (layer > 0) {
                multiply(ws.activations[layer - 1], rows, 2 * layer, throughAverages, preActivation);
            }
            int width = layerWidths[layer + 1];
            float[] biasValues = values(2 * layer + 1, throughAverages);
            float[] z = ws.scratch(rows * width);
            preActivation.elements.get(0, z, 0, rows * width);
            for (int row = 0; row < rows; row++) {
                int offset = row * width;
                for (int unit = 0; unit < width; unit++) {
                    z[offset + unit] += biasValues[unit];
                }
            }
            preActivation.elements.put(0, z, 0, rows * width);
            if (layer < layers() - 1) {
                for (int i = 0; i < rows * width; i++) {
                    z[i] = Math.max(z[i], 0f);
                }
                ws.activations[layer].elements.put(0, z, 0, rows * width);
            }
        }
        forwardBatch = throughAverages ? null : batch;
        forwardBatchVersion = batch.version();
        forwardStateVersion = stateVersion;
        return ws.preActivations[layers() - 1].elements;
    }

    private void loadDenseInput(MiniBatch batch, int rows) {
        float[] input = workspace.scratch(rows * featureCount);
        float[] features = batch.denseFeatures();
        boolean[] sparseRows = batch.sparseRows();
        float[] mean = standardiser.meanInForce();
        float[] scale = standardiser.scaleInForce();
        // An extreme row enters the model clipped, so it moves the model by one bounded step (see Standardiser).
        float bound = settings.standardize() ? standardiser.clipBound() : Float.POSITIVE_INFINITY;
        for (int row = 0; row < rows; row++) {
            int offset = row * featureCount;
            if (sparseRows[row]) {
                Arrays.fill(input, offset, offset + featureCount, 0f);
                continue;
            }
            for (int j = 0; j < featureCount; j++) {
                // Comparisons, not Math.min/max, whose NaN and -0 handling costs branches per value; the same bits
                // for every input (the bound is positive, NaN passes through both ways).
                float value = (features[offset + j] - mean[j]) * scale[j];
                if (value > bound) {
                    value = bound;
                } else if (value < -bound) {
                    value = -bound;
                }
                input[offset + j] = value;
            }
        }
        workspace.input().elements.put(0, input, 0, rows * featureCount);
    }

    private void gatherSparseRows(MiniBatch batch, int rows, FloatBuffer firstLayer, float[] w) {
        int width = layerWidths[1];
        // w is a heap array (the weights' mirror or their averages): a row read is plain array access.
        boolean[] sparseRows = batch.sparseRows();
        int[] start = batch.sparseStart();
        int[] indices = batch.sparseIndices();
        float[] values = batch.sparseValues();
        float[] scale = standardiser.scaleInForce();
        float clip = standardiser.sparseClip();
        float[] sums = workspace.firstLayerRow;
        for (int row = 0; row < rows; row++) {
            if (!sparseRows[row]) {
                continue;
            }
            int out = row * width;
            firstLayer.get(out, sums);
            for (int k = start[row]; k < start[row + 1]; k++) {
                int feature = indices[k];
                float x = Math.max(-clip, Math.min(clip, values[k])) * scale[feature];
                int from = feature * width;
                for (int unit = 0; unit < width; unit++) {
                    sums[unit] += x * w[from + unit];
                }
            }
            firstLayer.put(out, sums);
        }
    }

    /** Gradients of every parameter from the logit gradients in the workspace. */
    private void backward(MiniBatch batch, int rows) {
        Workspace ws = workspace;
        Buffer upstream = ws.logitGradients;
        for (int layer = layers() - 1; layer >= 0; layer--) {
            int width = layerWidths[layer + 1];
            Parameter w = weights(layer);
            columnSums(upstream.elements, rows, width, bias(layer).gradients);
            if (layer > 0) {
                weightGradient(ws.activations[layer - 1], rows, upstream, w);
                Buffer hidden = ws.hiddenGradients[layer - 1];
                backProject(upstream, rows, w, hidden);
                FloatBuffer preActivation = ws.preActivations[layer - 1].elements;
                for (int i = 0; i < rows * layerWidths[layer]; i++) {
                    if (preActivation.get(i) <= 0f) {
                        hidden.elements.put(i, 0f);
                    }
                }
                upstream = hidden;
            } else {
                // The sparse rows' part of the gradient is accumulated on the heap, where the optimiser reads it.
                if (batch.hasDenseRows()) {
                    weightGradient(ws.input(), rows, upstream, w);
                    w.activateAllRows();
                    if (batch.hasSparseRows()) {
                        w.gradients.get(0, w.heapGradients, 0, w.length);
                        w.heapGradientsCurrent = true;
                    }
                } else if (rowSparseSteps) {
                    int touched = collectTouchedFeatures(batch, rows);
                    for (int k = 0; k < touched; k++) {
                        int start = touchedFeatures[k] * width;
                        Arrays.fill(w.heapGradients, start, start + width, 0f);
                    }
                    w.restrictToRows(touchedFeatures, touched);
                    w.heapGradientsCurrent = true;
                } else {
                    Arrays.fill(w.heapGradients, 0f);
                    w.activateAllRows();
                    w.heapGradientsCurrent = true;
                }
                scatterSparseRows(batch, rows, upstream.elements, w.heapGradients, width);
            }
        }
    }

    /** Fills {@link #touchedFeatures} with the distinct features of the batch's sparse rows, ascending; returns how many. */
    private int collectTouchedFeatures(MiniBatch batch, int rows) {
        if (batch == touchedBatch && batch.version() == touchedBatchVersion && rows == touchedRows) {
            return touchedCount;
        }
        if (touchedFeatures == null) {
            touchedFeatures = new int[featureCount];
            featureStamps = new int[featureCount];
        }
        stamp++;
        if (stamp == 0) {
            Arrays.fill(featureStamps, 0);
            stamp = 1;
        }
        int[] start = batch.sparseStart();
        int[] indices = batch.sparseIndices();
        int touched = 0;
        for (int k = start[0]; k < start[rows]; k++) {
            int feature = indices[k];
            if (featureStamps[feature] != stamp) {
                featureStamps[feature] = stamp;
                touchedFeatures[touched++] = feature;
            }
        }
        // Ascending rows turn the optimiser's passes into near-sequential memory access. When the batch touches
        // a fair share of all features, one pass over the stamps lists them in order for less than a sort.
        if (touched > featureCount / 16) {
            touched = 0;
            for (int feature = 0; feature < featureCount; feature++) {
                if (featureStamps[feature] == stamp) {
                    touchedFeatures[touched++] = feature;
                }
            }
        } else {
            Arrays.sort(touchedFeatures, 0, touched);
        }
        touchedBatch = batch;
        touchedBatchVersion = batch.version();
        touchedRows = rows;
        touchedCount = touched;
        return touched;
    }

    private void scatterSparseRows(MiniBatch batch, int rows, FloatBuffer upstream, float[] gradient, int width) {
        boolean[] sparseRows = batch.sparseRows();
        int[] start = batch.sparseStart();
        int[] indices = batch.sparseIndices();
        float[] values = batch.sparseValues();
        float[] scale = standardiser.scaleInForce();
        float clip = standardiser.sparseClip();
        float[] upstreamRow = workspace.firstLayerRow;
        for (int row = 0; row < rows; row++) {
            if (!sparseRows[row]) {
                continue;
            }
            upstream.get(row * width, upstreamRow);
            for (int k = start[row]; k < start[row + 1]; k++) {
                int feature = indices[k];
                float x = Math.max(-clip, Math.min(clip, values[k])) * scale[feature];
                int out = feature * width;
                for (int unit = 0; unit < width; unit++) {
                    gradient[out + unit] += x * upstreamRow[unit];
                }
            }
        }
    }

    /**
     * {@code out = a . W} over the first {@code rows} rows, W parameter {@code index} or its average: in Java when
     * small, else one native gemm.
     */
    private void multiply(Buffer a, int rows, int index, boolean averaged, Buffer out) {
        Parameter w = parameters.get(index);
        int in = w.shape[0];
        int units = w.shape[1];
        if (DenseKernels.inJava(rows, in, units, javaKernelLimit)) {
            kernels.multiply(a.elements, values(index, averaged), out.elements, rows, in, units);
        } else {
            Nd4j.gemm(a.rows(rows), averaged ? averages.nativeValues(index) : w.value, out.rows(rows), false, false,
                    1.0, 0.0);
        }
    }

    /** The heap values of parameter {@code index}, or of its average. */
    private float[] values(int index, boolean averaged) {
        return averaged ? averages.heap(index) : parameters.get(index).heapValues;
    }

    /** {@code gradient(W) = a^T . upstream} over the first {@code rows} rows. */
    private void weightGradient(Buffer a, int rows, Buffer upstream, Parameter w) {
        int in = w.shape[0];
        int units = w.shape[1];
        if (DenseKernels.inJava(rows, in, units, javaKernelLimit)) {
            kernels.multiplyTransposedLeft(a.elements, upstream.elements, w.gradients, rows, in, units);
        } else {
            Nd4j.gemm(a.rows(rows), upstream.rows(rows), w.gradient, true, false, 1.0, 0.0);
        }
    }

    /** {@code out = upstream . W^T} over the first {@code rows} rows: the gradient at the layer's input. */
    private void backProject(Buffer upstream, int rows, Parameter w, Buffer out) {
        int in = w.shape[0];
        int units = w.shape[1];
        if (DenseKernels.inJava(rows, in, units, javaKernelLimit)) {
            kernels.multiplyTransposedRight(upstream.elements, w.heapValues, out.elements, rows, in, units);
        } else {
            Nd4j.gemm(upstream.rows(rows), w.value, out.rows(rows), false, true, 1.0, 0.0);
        }
    }

    private void columnSums(FloatBuffer matrix, int rows, int width, FloatBuffer sums) {
        float[] elements = workspace.scratch(rows * width);
        matrix.get(0, elements, 0, rows * width);
        for (int unit = 0; unit < width; unit++) {
            float sum = 0f;
            for (int row = 0; row < rows; row++) {
                sum += elements[row * width + unit];
            }
            sums.put(unit, sum);
        }
    }

    private static void zero(FloatBuffer buffer, int count) {
        for (int i = 0; i < count; i++) {
            buffer.put(i, 0f);
        }
    }

    @Override
    public void initialiseBiasFromPrior(double[] prevalence) {
        if (prevalence.length != labelCount) {
            throw new IllegalArgumentException("Expected " + labelCount + " prevalences, got " + prevalence.length);
        }
        Parameter outputBias = bias(layers() - 1);
        for (int label = 0; label < labelCount; label++) {
            if (!biasInitialised[label]) {
                double p = Math.min(Math.max(prevalence[label], PRIOR_CLAMP), 1 - PRIOR_CLAMP);
                outputBias.setValue(label, (float) Math.log(p / (1 - p)));
                if (averages != null) {
                    averages.set(parameters.size() - 1, label, outputBias.heapValues[label]);
                }
                biasInitialised[label] = true;
                stateVersion++;
            }
        }
    }

    @Override
    public List<ParameterTensor> parameters() {
        List<ParameterTensor> tensors = new ArrayList<>();
        for (int index = 0; index < parameters.size(); index++) {
            Parameter p = parameters.get(index);
            // With averaging on, what scores is the average, and that is what a downstream predictor gets.
            float[] values = averages != null ? averages.copyOf(index) : p.copyOfValues();
            tensors.add(new ParameterTensor(p.name, p.shape.clone(), values));
        }
        if (settings.standardize()) {
            tensors.add(new ParameterTensor("featureMean", new int[] {featureCount},
                    standardiser.meanInForce().clone()));
            tensors.add(new ParameterTensor("featureScale", new int[] {featureCount},
                    standardiser.scaleInForce().clone()));
            tensors.add(new ParameterTensor("featureClip", new int[] {1}, new float[] {standardiser.clipBound()}));
            // Only once sparse rows set it: a model of dense rows publishes what it always did.
            float sparseClip = standardiser.sparseClip();
            if (sparseClip < Float.MAX_VALUE) {
                tensors.add(new ParameterTensor("sparseClip", new int[] {1}, new float[] {sparseClip}));
            }
        }
        return tensors;
    }

    /** The model's state as a saved-state record; hyper-parameters are not saved. */
    SavedModel toSaved() {
        List<Boolean> initialised = new ArrayList<>(labelCount);
        for (boolean flag : biasInitialised) {
            initialised.add(flag);
        }
        List<SavedParameter> saved = new ArrayList<>(parameters.size());
        for (int index = 0; index < parameters.size(); index++) {
            saved.add(new SavedParameter(parameters.get(index).name, parameters.get(index).toSaved(),
                    optimiser.savedState(index), averages == null ? null : SavedArrays.tensor(averages.current(index))));
        }
        return new SavedModel(settings.modelType().configName(), featureCount, labelCount, settings.hiddenUnits(),
                settings.optimizer().configName(), steps, skippedSteps, eventsInSkippedSteps, initialised,
                standardiser.toSaved(), saved);
    }

    /**
     * Restores a model from {@link #toSaved}'s record under the settings configured now: the parameters, the
     * standardiser and the counters are the saved ones, every hyper-parameter is {@code configured}'s. A changed
     * optimiser starts its state afresh (and says so to {@code notices}); a change the parameters cannot absorb
     * throws. The label count is the saved one (labels are matched by name by the caller).
     *
     * @throws IncompatibleStateException when the feature count, the model type or (MLP) the hidden size differ
     */
    static FeedForwardModel fromSaved(SavedModel saved, int configuredFeatureCount, LearningSettings configured,
            Consumer<String> notices) throws IOException {
        FeedForwardModel model = restorable(saved.getFeatureCount(), saved.getLabelCount(),
                byConfigName(ModelType.values(), saved.getArchitecture(), ModelType::configName), saved.getHiddenUnits(),
                configuredFeatureCount, configured);
        if (saved.getParameters().size() != model.parameters.size()) {
            throw new IOException("saved model has " + saved.getParameters().size() + " parameters, expected "
                    + model.parameters.size());
        }
        model.steps = saved.getSteps();
        model.skippedSteps = saved.getSkippedSteps();
        model.eventsInSkippedSteps = saved.getEventsInSkippedSteps();
        for (int label = 0; label < model.labelCount; label++) {
            model.biasInitialised[label] = saved.getBiasInitialised().get(label);
        }
        model.standardiser.restore(saved.getStandardiser());
        // A state without sparse statistics whose model trained without dense ones was saved before sparse rows were
        // scaled: its weights were learned on them unscaled.
        if (saved.getStandardiser().getSparse() == null && !model.standardiser.hasStatistics() && model.steps > 0) {
            model.standardiser.keepSparseRowsUnscaled();
            notices.accept("the model was trained on unscaled sparse rows (saved by an earlier release): they stay"
                    + " unscaled; a new model id scales them");
        }
        OptimizerType savedOptimiser = byConfigName(OptimizerType.values(), saved.getOptimizer(),
                OptimizerType::configName);
        boolean keepsState = savedOptimiser == configured.optimizer();
        if (!keepsState) {
            notices.accept("optimiser changed from " + savedOptimiser.configName() + " to "
                    + configured.optimizer().configName() + ": its state starts afresh (the parameters are kept)");
        }
        for (int index = 0; index < model.parameters.size(); index++) {
            SavedParameter parameter = saved.getParameters().get(index);
            model.parameters.get(index).restore(parameter.getValues());
            if (keepsState) {
                model.optimiser.restoreState(index, parameter.getOptimiserSlots());
            }
        }
        // Saved without averages (averaging was off): the average starts from the values at the next step.
        if (configured.averages() && saved.getParameters().stream().allMatch(p -> p.getAverage() != null)) {
            float[][] averages = new float[model.parameters.size()][];
            for (int index = 0; index < model.parameters.size(); index++) {
                averages[index] = new float[model.parameters.get(index).length];
                SavedArrays.copyTensor(saved.getParameters().get(index).getAverage(), averages[index],
                        "average of parameter " + model.parameters.get(index).name);
            }
            model.averages = ParameterAverages.restored(model.parameters, averages, model.rowSparseSteps);
        }
        return model;
    }

    /**
     * A fresh model of the configured settings with the saved shape.
     *
     * @throws IncompatibleStateException when the saved parameters cannot take the configured feature count,
     *     model type or (MLP) hidden size
     */
    private static FeedForwardModel restorable(int featureCount, int labelCount, ModelType savedType, int savedHiddenUnits,
            int configuredFeatureCount, LearningSettings configured) {
        if (featureCount != configuredFeatureCount) {
            throw new IncompatibleStateException(IncompatibleStateException.Aspect.FEATURE_COUNT,
                    Integer.toString(featureCount), Integer.toString(configuredFeatureCount));
        }
        if (savedType != configured.modelType()) {
            throw new IncompatibleStateException(IncompatibleStateException.Aspect.MODEL_TYPE,
                    savedType.configName(), configured.modelType().configName());
        }
        if (savedType == ModelType.MLP && savedHiddenUnits != configured.hiddenUnits()) {
            throw new IncompatibleStateException(IncompatibleStateException.Aspect.HIDDEN_UNITS,
                    Integer.toString(savedHiddenUnits), Integer.toString(configured.hiddenUnits()));
        }
        return new FeedForwardModel(featureCount, labelCount, configured);
    }

    private static <E> E byConfigName(E[] values, String name, Function<E, String> configName)
            throws IOException {
        for (E value : values) {
            if (configName.apply(value).equals(name)) {
                return value;
            }
        }
        throw new IOException("unknown saved value '" + name + "'");
    }

    /**
     * This model for another label list: output {@code l} of the copy is output {@code source[l]} of this one
     * (weights, bias and optimiser state), or a new one where {@code source[l]} is -1: zero weights, its bias set
     * from its prior at the next batch, fresh optimiser state. Everything before the output layer is copied.
     */
    FeedForwardModel withLabels(int[] source) {
        FeedForwardModel copy = new FeedForwardModel(featureCount, source.length, settings);
        copy.steps = steps;
        copy.skippedSteps = skippedSteps;
        copy.eventsInSkippedSteps = eventsInSkippedSteps;
        copy.standardiser.restore(standardiser.toSaved());
        if (!standardiser.scalesSparseRows()) {
            copy.standardiser.keepSparseRowsUnscaled();
        }
        int outputLayerStart = parameters.size() - 2;
        for (int index = 0; index < parameters.size(); index++) {
            boolean output = index >= outputLayerStart;
            float[] values = parameters.get(index).heapValues;
            float[] copied = output ? remapColumns(values, labelCount, source, 0f) : values;
            for (int i = 0; i < copied.length; i++) {
                copy.parameters.get(index).setValue(i, copied[i]);
            }
            // The optimiser's state goes through its saved form: its slots, each shaped like the parameter.
            List<ByteBuffer> slots = optimiser.savedState(index);
            if (output) {
                for (int slot = 0; slot < slots.size(); slot++) {
                    float[] slotValues = new float[values.length];
                    SavedArrays.copyTensor(slots.get(slot), slotValues, "optimiser state");
                    slots.set(slot, SavedArrays.tensor(remapColumns(slotValues, labelCount, source,
                            copy.optimiser.freshValue(slot))));
                }
            }
            copy.optimiser.restoreState(index, slots);
        }
        for (int label = 0; label < source.length; label++) {
            copy.biasInitialised[label] = source[label] >= 0 && biasInitialised[source[label]];
        }
        return copy;
    }

    /**
     * Row-major {@code [rows, width]} values with their columns picked by {@code source}; a column whose source is
     * -1 (a new label) is filled with {@code fresh}.
     */
    private static float[] remapColumns(float[] values, int width, int[] source, float fresh) {
        int rows = values.length / width;
        float[] remapped = new float[rows * source.length];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < source.length; column++) {
                remapped[row * source.length + column] =
                        source[column] >= 0 ? values[row * width + source[column]] : fresh;
            }
        }
        return remapped;
    }

    /** A preallocated native matrix of {@code capacity} rows, with a cached view of its first rows. */
    private static final class Buffer {
        private final INDArray matrix;
        private final FloatBuffer elements;
        private INDArray view;
        private int viewRows;

        Buffer(int capacity, int width) {
            matrix = Nd4j.create(DataType.FLOAT, capacity, width);
            elements = matrix.data().asNioFloat();
        }

        INDArray rows(int rows) {
            if (rows == matrix.rows()) {
                return matrix;
            }
            if (rows != viewRows) {
                view = matrix.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
                viewRows = rows;
            }
            return view;
        }
    }

    /** Scratch buffers for batches of up to {@code capacity} rows; the dense input only once it is needed. */
    private static final class Workspace {
        private final int capacity;
        private final int featureCount;
        private Buffer input;
        private final Buffer[] preActivations;
        private final Buffer[] activations;
        private final Buffer[] hiddenGradients;
        private final Buffer logitGradients;
        /** Heap copy of one row of the first layer's output (or of its gradient). */
        private final float[] firstLayerRow;
        private float[] scratch = new float[0];
        private float[] secondScratch = new float[0];

        Workspace(int capacity, int[] widths) {
            this.capacity = capacity;
            this.featureCount = widths[0];
            this.firstLayerRow = new float[widths[1]];
            int layers = widths.length - 1;
            preActivations = new Buffer[layers];
            activations = new Buffer[layers - 1];
            hiddenGradients = new Buffer[layers - 1];
            for (int layer = 0; layer < layers; layer++) {
                preActivations[layer] = new Buffer(capacity, widths[layer + 1]);
                if (layer < layers - 1) {
                    activations[layer] = new Buffer(capacity, widths[layer + 1]);
                    hiddenGradients[layer] = new Buffer(capacity, widths[layer + 1]);
                }
            }
            logitGradients = new Buffer(capacity, widths[layers]);
        }

        Buffer input() {
            if (input == null) {
                input = new Buffer(capacity, featureCount);
            }
            return input;
        }

        /** A heap array of at least {@code length} floats, for element-wise work between bulk copies. */
        float[] scratch(int length) {
            return scratch = DenseKernels.atLeast(scratch, length);
        }

        /** A second heap array, distinct from {@link #scratch}. */
        float[] secondScratch(int length) {
            return secondScratch = DenseKernels.atLeast(secondScratch, length);
        }
    }
}
