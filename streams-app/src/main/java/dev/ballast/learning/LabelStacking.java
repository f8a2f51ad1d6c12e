package dev.ballast.learning;

import dev.ballast.schema.state.SavedArrays;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A second stage over the first stage's scores, for label dependencies (stacking, in the spirit of a classifier
 * chain without an order): each label's final logit is its first-stage logit plus a linear function of every
 * label's first-stage score, {@code x_k = 2 p_k - 1}:
 * <pre>
 *   logit'_l = logit(p_l) + c_l + sum_k S[k, l] * x_k
 * </pre>
 * With {@code S} and {@code c} at zero (the start) it passes the first stage through unchanged, so it can only
 * learn what the co-occurrence of labels adds. It is trained online on the batch it has just scored, against the
 * same objective and class weights as the first stage, with the first stage held fixed: the scores it learns from
 * were made before the first stage learned from that batch, so it never fits scores of events the first stage
 * had trained on. Its optimiser is the model's ({@link LearningSettings}), its parameters named {@code S [L,L]} and
 * {@code c [L]}. Not thread-safe.
 */
public final class LabelStacking {

    private static final byte FORMAT_VERSION = 1;
    /** Scores are clamped this far from 0 and 1 before their logit, as float32 rounds 1 - 1e-8 to 1. */
    private static final double SCORE_CLAMP = 1e-7;

    private final int labels;
    private final Parameter weights;
    private final Parameter bias;
    private final List<Parameter> parameters;
    private final Optimiser optimiser;
    private final Objective objective;
    private final String optimiserName;
    private long steps;
    /** The last scored batch: first-stage inputs and logits, and the stage's logits, row-major. */
    private float[] inputs = new float[0];
    private float[] firstLogits = new float[0];
    private float[] logits = new float[0];
    private float[] gradients = new float[0];
    private int scoredRows;

    public LabelStacking(int labels, LearningSettings settings) {
        if (labels <= 0) {
            throw new IllegalArgumentException("labels must be > 0, got " + labels);
        }
        this.labels = labels;
        this.weights = new Parameter("S", new int[] {labels, labels}, true);
        this.bias = new Parameter("c", new int[] {labels}, false);
        this.parameters = List.of(weights, bias);
        this.optimiser = Optimiser.create(settings, parameters);
        this.objective = settings.objective().create();
        this.optimiserName = settings.optimizer().configName();
    }

    public int labelCount() {
        return labels;
    }

    /**
     * Replaces the first stage's probabilities of {@code rows} rows (row-major, {@code labelCount()} per row) by
     * the second stage's, and remembers the batch for {@link #learn}.
     */
    public void apply(float[] probabilities, int rows) {
        int length = rows * labels;
        inputs = DenseKernels.atLeast(inputs, length);
        firstLogits = DenseKernels.atLeast(firstLogits, length);
        logits = DenseKernels.atLeast(logits, length);
        float[] s = weights.heapValues;
        float[] c = bias.heapValues;
        for (int i = 0; i < length; i++) {
            double p = Math.min(Math.max(probabilities[i], SCORE_CLAMP), 1 - SCORE_CLAMP);
            inputs[i] = (float) (2 * p - 1);
            firstLogits[i] = (float) Math.log(p / (1 - p));
        }
        for (int row = 0; row < rows; row++) {
            int offset = row * labels;
            for (int label = 0; label < labels; label++) {
                double logit = firstLogits[offset + label] + c[label];
                for (int k = 0; k < labels; k++) {
                    logit += s[k * labels + label] * inputs[offset + k];
                }
                logits[offset + label] = (float) logit;
                probabilities[offset + label] = (float) WeightedBinaryCrossEntropy.sigmoid(logit);
            }
        }
        scoredRows = rows;
    }

    /**
     * One optimiser step on the batch last given to {@link #apply}, with its targets (row-major) and per-row
     * importances. A non-finite loss or update leaves the stage as it was.
     *
     * @return whether the step was taken
     */
    public boolean learn(float[] targets, float[] importances, float[] posWeights, float[] negWeights) {
        int rows = scoredRows;
        scoredRows = 0;
        if (rows == 0) {
            return false;
        }
        gradients = DenseKernels.atLeast(gradients, rows * labels);
        Objective.Losses losses = objective.evaluate(logits, targets, importances, rows, labels, posWeights,
                negWeights, new float[labels], gradients);
        if (!Double.isFinite(losses.weighted())) {
            return false;
        }
        float[] gradS = weights.heapGradients;
        float[] gradC = bias.heapGradients;
        Arrays.fill(gradS, 0f);
        Arrays.fill(gradC, 0f);
        for (int row = 0; row < rows; row++) {
            int offset = row * labels;
            for (int label = 0; label < labels; label++) {
                float g = gradients[offset + label];
                gradC[label] += g;
                for (int k = 0; k < labels; k++) {
                    gradS[k * labels + label] += g * inputs[offset + k];
                }
            }
        }
        for (Parameter p : parameters) {
            p.activateAllRows();
            p.heapGradientsCurrent = true;
        }
        if (optimiser.step(steps + 1) != null) {
            return false;
        }
        steps++;
        return true;
    }

    /** Steps taken. */
    public long steps() {
        return steps;
    }

    /** The tensors {@code S [L,L]} and {@code c [L]}, as copies. */
    public List<ParameterTensor> parameters() {
        return List.of(new ParameterTensor(weights.name, weights.shape.clone(), weights.copyOfValues()),
                new ParameterTensor(bias.name, bias.shape.clone(), bias.copyOfValues()));
    }

    /**
     * Parameters, optimiser state and step count, in this class's own versioned layout: format byte, label count,
     * optimiser, steps, then per parameter its values and its optimiser slots, each a packed float32 tensor
     * ({@link SavedArrays#tensor}) preceded by its length in bytes.
     */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT_VERSION);
            out.writeInt(labels);
            out.writeUTF(optimiserName);
            out.writeLong(steps);
            for (int index = 0; index < parameters.size(); index++) {
                writeTensor(out, parameters.get(index).toSaved());
                List<ByteBuffer> slots = optimiser.savedState(index);
                out.writeInt(slots.size());
                for (ByteBuffer slot : slots) {
                    writeTensor(out, slot);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
    }

    private static void writeTensor(DataOutputStream out, ByteBuffer tensor) throws IOException {
        ByteBuffer copy = tensor.duplicate();
        byte[] array = new byte[copy.remaining()];
        copy.get(array);
        out.writeInt(array.length);
        out.write(array);
    }

    private static ByteBuffer readTensor(DataInputStream in) throws IOException {
        byte[] array = new byte[in.readInt()];
        in.readFully(array);
        return ByteBuffer.wrap(array);
    }

    /**
     * A stage of {@code labels} labels under {@code settings} from {@link #toBytes}' layout. Saved for another
     * label count or another optimiser, the stage starts afresh (zero: the first stage passed through), said to
     * {@code notices}.
     *
     * @throws IOException when the bytes are not a saved stage
     */
    public static LabelStacking fromBytes(ByteBuffer saved, int labels, LearningSettings settings,
            Consumer<String> notices) throws IOException {
        LabelStacking stage = new LabelStacking(labels, settings);
        ByteBuffer copy = saved.duplicate();
        byte[] array = new byte[copy.remaining()];
        copy.get(array);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(array));
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("unsupported label stage format " + version);
        }
        int savedLabels = in.readInt();
        String savedOptimiser = in.readUTF();
        if (savedLabels != labels || !savedOptimiser.equals(stage.optimiserName)) {
            notices.accept("the label stage was saved for " + savedLabels + " labels with " + savedOptimiser
                    + ": it starts afresh");
            return stage;
        }
        stage.steps = in.readLong();
        for (int index = 0; index < stage.parameters.size(); index++) {
            stage.parameters.get(index).restore(readTensor(in));
            List<ByteBuffer> slots = new ArrayList<>();
            for (int slot = in.readInt(); slot > 0; slot--) {
                slots.add(readTensor(in));
            }
            stage.optimiser.restoreState(index, slots);
        }
        return stage;
    }
}
