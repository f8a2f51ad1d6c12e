package dev.ballast.client;

import dev.ballast.schema.LabelState;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores events with a Ballast {@link ModelSnapshot}, in plain Java: {@code sigmoid(x' W + b)} for
 * "linear", {@code sigmoid(relu(x' W1 + b1) W2 + b2)} for "mlp". When the snapshot carries {@code featureMean}
 * and {@code featureScale}, a dense input is standardised as {@code x' = (x - featureMean) * featureScale} and
 * a sparse input is only scaled, {@code x' = clamp(x, ±sparseClip) * featureScale}, exactly as the trainer does; a
 * standardised dense value is clipped at {@code ±featureClip} when the snapshot carries it (one extreme input cannot
 * swing a prediction).
 * When it carries {@code S} and {@code c} (label stacking), a second stage over all labels' probabilities follows.
 *
 * <p>Decisions use each label's threshold from the snapshot (the one the trainer had tuned), unless
 * {@link #withThresholds(float[])} gives others.
 *
 * <p>Immutable and thread-safe; the scoring methods allocate nothing (the MLP's hidden layer uses a
 * per-thread scratch array, allocated on a thread's first call).
 */
public final class Predictor {

    private final String modelId;
    private final long version;
    private final List<String> labelNames;
    private final float[] thresholds;
    private final int featureCount;
    private final int labelCount;
    private final int hiddenUnits;
    private final float[] firstWeights;
    private final float[] firstBias;
    private final float[] outputWeights;
    private final float[] outputBias;
    private final float[] featureMean;
    private final float[] featureScale;
    /** Bound of a standardised dense value; {@link Float#POSITIVE_INFINITY} when the snapshot carries none. */
    private final float featureClip;
    private final float sparseClip;
    private final ThreadLocal<float[]> hiddenScratch;
    /**
     * The label-stacking second stage, {@code S [L,L]} and {@code c [L]}, or null when the snapshot carries none:
     * {@code logit'_l = logit(p_l) + c_l + sum_k S[k,l] (2 p_k - 1)} over the first stage's probabilities p.
     */
    private final float[] stageWeights;
    private final float[] stageBias;
    private final ThreadLocal<float[]> stageScratch;

    private Predictor(ModelSnapshot snapshot) {
        modelId = snapshot.getModelId();
        version = snapshot.getVersion();
        featureCount = snapshot.getFeatureCount();
        labelNames = snapshot.getLabels().stream().map(LabelState::getName).toList();
        labelCount = labelNames.size();
        thresholds = new float[labelCount];
        for (int label = 0; label < labelCount; label++) {
            thresholds[label] = snapshot.getLabels().get(label).getThreshold();
        }
        Map<String, float[]> tensors = new HashMap<>();
        Map<String, List<Integer>> shapes = new HashMap<>();
        for (Tensor tensor : snapshot.getParameters()) {
            tensors.put(tensor.getName(), decode(tensor));
            shapes.put(tensor.getName(), tensor.getShape());
        }
        switch (snapshot.getArchitecture()) {
            case "linear" -> {
                hiddenUnits = 0;
                firstWeights = require(tensors, shapes, "W", featureCount, labelCount);
                firstBias = require(tensors, shapes, "b", labelCount);
                outputWeights = null;
                outputBias = null;
            }
            case "mlp" -> {
                List<Integer> hiddenShape = shapes.get("b1");
                if (hiddenShape == null || hiddenShape.size() != 1) {
                    throw new IllegalArgumentException("mlp snapshot lacks tensor b1 [H]");
                }
                hiddenUnits = hiddenShape.get(0);
                firstWeights = require(tensors, shapes, "W1", featureCount, hiddenUnits);
                firstBias = require(tensors, shapes, "b1", hiddenUnits);
                outputWeights = require(tensors, shapes, "W2", hiddenUnits, labelCount);
                outputBias = require(tensors, shapes, "b2", labelCount);
            }
            default -> throw new IllegalArgumentException("Unknown architecture '" + snapshot.getArchitecture()
                    + "'; expected linear or mlp");
        }
        if (tensors.containsKey("featureMean") != tensors.containsKey("featureScale")) {
            throw new IllegalArgumentException("featureMean and featureScale come together");
        }
        featureMean = tensors.containsKey("featureMean")
                ? require(tensors, shapes, "featureMean", featureCount) : null;
        featureScale = tensors.containsKey("featureScale")
                ? require(tensors, shapes, "featureScale", featureCount) : null;
        featureClip = tensors.containsKey("featureClip")
                ? require(tensors, shapes, "featureClip", 1)[0] : Float.POSITIVE_INFINITY;
        sparseClip = tensors.containsKey("sparseClip")
                ? require(tensors, shapes, "sparseClip", 1)[0] : Float.POSITIVE_INFINITY;
        int width = hiddenUnits;
        hiddenScratch = ThreadLocal.withInitial(() -> new float[width]);
        stageWeights = tensors.containsKey("S") ? require(tensors, shapes, "S", labelCount, labelCount) : null;
        stageBias = stageWeights != null ? require(tensors, shapes, "c", labelCount) : null;
        stageScratch = ThreadLocal.withInitial(() -> new float[labelCount]);
    }

    private Predictor(Predictor parameters, float[] thresholds) {
        modelId = parameters.modelId;
        version = parameters.version;
        labelNames = parameters.labelNames;
        featureCount = parameters.featureCount;
        labelCount = parameters.labelCount;
        hiddenUnits = parameters.hiddenUnits;
        firstWeights = parameters.firstWeights;
        firstBias = parameters.firstBias;
        outputWeights = parameters.outputWeights;
        outputBias = parameters.outputBias;
        featureMean = parameters.featureMean;
        featureScale = parameters.featureScale;
        featureClip = parameters.featureClip;
        sparseClip = parameters.sparseClip;
        hiddenScratch = ThreadLocal.withInitial(() -> new float[hiddenUnits]);
        stageWeights = parameters.stageWeights;
        stageBias = parameters.stageBias;
        stageScratch = ThreadLocal.withInitial(() -> new float[labelCount]);
        this.thresholds = thresholds;
    }

    /**
     * A predictor for the snapshot; fails fast on a missing or misshapen tensor.
     *
     * @throws IllegalArgumentException when the snapshot cannot be scored
     */
    public static Predictor of(ModelSnapshot snapshot) {
        return new Predictor(snapshot);
    }

    /**
     * The same model deciding with {@code thresholds} (one per label, in {@link #labelNames()} order) instead of
     * the snapshot's, e.g. operating points a service chose itself. Shares the parameters: cheap.
     */
    public Predictor withThresholds(float[] thresholds) {
        if (thresholds.length != labelCount) {
            throw new IllegalArgumentException("Expected " + labelCount + " thresholds, got " + thresholds.length);
        }
        return new Predictor(this, thresholds.clone());
    }

    private static float[] decode(Tensor tensor) {
        ByteBuffer bytes = tensor.getData().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    private static float[] require(Map<String, float[]> tensors, Map<String, List<Integer>> shapes, String name,
                                   int... shape) {
        float[] values = tensors.get(name);
        List<Integer> actual = shapes.get(name);
        if (values == null) {
            throw new IllegalArgumentException("Snapshot lacks tensor " + name);
        }
        long expected = 1;
        for (int i = 0; i < shape.length; i++) {
            expected *= shape[i];
            if (actual.size() != shape.length || actual.get(i) != shape[i]) {
                throw new IllegalArgumentException("Tensor " + name + " has shape " + actual + ", expected "
                        + Arrays.toString(shape));
            }
        }
        if (values.length != expected) {
            throw new IllegalArgumentException("Tensor " + name + " holds " + values.length + " values, expected "
                    + expected);
        }
        return values;
    }

    /**
     * Writes the probability of each label into {@code out} (at least one slot per label) for a dense input of
     * {@link #featureCount()} values.
     */
    public void predictProbabilities(float[] dense, float[] out) {
        if (dense.length != featureCount) {
            throw new IllegalArgumentException("Expected " + featureCount + " features, got " + dense.length);
        }
        float[] first = firstLayerOutput(out);
        int width = firstBias.length;
        System.arraycopy(firstBias, 0, first, 0, width);
        for (int j = 0; j < featureCount; j++) {
            float x = featureMean == null ? dense[j]
                    : Math.max(-featureClip, Math.min(featureClip, (dense[j] - featureMean[j]) * featureScale[j]));
            if (x != 0f) {
                accumulate(first, x, j * width);
            }
        }
        finish(first, out);
    }

    /**
     * Writes the probability of each label into {@code out} (at least one slot per label) for a sparse input: the
     * features at {@code indices} have {@code values}, all others are 0.
     */
    public void predictProbabilities(int[] indices, float[] values, float[] out) {
        if (indices.length != values.length) {
            throw new IllegalArgumentException("indices and values differ in length");
        }
        float[] first = firstLayerOutput(out);
        int width = firstBias.length;
        System.arraycopy(firstBias, 0, first, 0, width);
        for (int k = 0; k < indices.length; k++) {
            int feature = indices[k];
            if (feature < 0 || feature >= featureCount) {
                throw new IllegalArgumentException("Feature index " + feature + " outside [0, " + featureCount + ")");
            }
            float value = Math.max(-sparseClip, Math.min(sparseClip, values[k]));
            float x = featureScale == null ? value : value * featureScale[feature];
            accumulate(first, x, feature * width);
        }
        finish(first, out);
    }

    /** {@code out[label] = probabilities[label] >= threshold(label)}, for every label. */
    public void decide(float[] probabilities, boolean[] out) {
        for (int label = 0; label < labelCount; label++) {
            out[label] = probabilities[label] >= thresholds[label];
        }
    }

    private float[] firstLayerOutput(float[] out) {
        if (out.length < labelCount) {
            throw new IllegalArgumentException("out holds " + out.length + " values, needs " + labelCount);
        }
        return hiddenUnits == 0 ? out : hiddenScratch.get();
    }

    private void accumulate(float[] layer, float x, int rowOffset) {
        for (int unit = 0; unit < firstBias.length; unit++) {
            layer[unit] += x * firstWeights[rowOffset + unit];
        }
    }

    private void finish(float[] first, float[] out) {
        if (hiddenUnits > 0) {
            System.arraycopy(outputBias, 0, out, 0, labelCount);
            for (int unit = 0; unit < hiddenUnits; unit++) {
                float h = Math.max(first[unit], 0f);
                if (h != 0f) {
                    for (int label = 0; label < labelCount; label++) {
                        out[label] += h * outputWeights[unit * labelCount + label];
                    }
                }
            }
        }
        for (int label = 0; label < labelCount; label++) {
            out[label] = (float) (1 / (1 + Math.exp(-out[label])));
        }
        if (stageWeights != null) {
            applyStage(out);
        }
    }

    /** The second stage over the first stage's probabilities, computed as the trainer computes it. */
    private void applyStage(float[] out) {
        float[] inputs = stageScratch.get();
        for (int label = 0; label < labelCount; label++) {
            double p = Math.min(Math.max(out[label], 1e-7), 1 - 1e-7);
            inputs[label] = (float) (2 * p - 1);
            out[label] = (float) Math.log(p / (1 - p));
        }
        for (int label = 0; label < labelCount; label++) {
            double logit = out[label] + stageBias[label];
            for (int k = 0; k < labelCount; k++) {
                logit += stageWeights[k * labelCount + label] * inputs[k];
            }
            out[label] = (float) (1 / (1 + Math.exp(-logit)));
        }
    }

    /** The decision threshold of {@code label} (an index into {@link #labelNames()}). */
    public float threshold(int label) {
        return thresholds[label];
    }

    /** Label names, in output order: {@code out[i]} of the scoring methods belongs to {@code labelNames().get(i)}. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** The snapshot's version. */
    public long version() {
        return version;
    }

    /** The snapshot's model id. */
    public String modelId() {
        return modelId;
    }

    /** The input dimension: dense inputs hold this many values, sparse indices are below it. */
    public int featureCount() {
        return featureCount;
    }
}
