package dev.ballast.learning;

import dev.ballast.schema.state.SavedLabelStage;
import dev.ballast.schema.state.SavedParameter;
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
        apply(probabilities, 0, rows);
    }

    /**
     * As {@link #apply(float[], int)} for rows {@code from} (inclusive) to {@code to} (exclusive) of the batch: a batch
     * scored a few rows at a time, in order from row 0, is remembered for {@link #learn} as rows 0 to {@code to}.
     */
    public void apply(float[] probabilities, int from, int to) {
        if (from < 0 || from > to || (from > 0 && from != scoredRows)) {
            throw new IllegalArgumentException("rows " + from + " to " + to + " after " + scoredRows + " scored rows");
        }
        int length = to * labels;
        // Grown keeping what the batch's earlier rows stored.
        inputs = inputs.length >= length ? inputs : Arrays.copyOf(inputs, length);
        firstLogits = firstLogits.length >= length ? firstLogits : Arrays.copyOf(firstLogits, length);
        logits = logits.length >= length ? logits : Arrays.copyOf(logits, length);
        float[] s = weights.heapValues;
        float[] c = bias.heapValues;
        for (int i = from * labels; i < length; i++) {
            double p = Math.min(Math.max(probabilities[i], SCORE_CLAMP), 1 - SCORE_CLAMP);
            inputs[i] = (float) (2 * p - 1);
            firstLogits[i] = (float) Math.log(p / (1 - p));
        }
        for (int row = from; row < to; row++) {
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
        scoredRows = to;
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

    /** Parameters, optimiser state and step count, as the saved state's record. */
    public SavedLabelStage toSaved() {
        List<SavedParameter> saved = new ArrayList<>(parameters.size());
        for (int index = 0; index < parameters.size(); index++) {
            Parameter parameter = parameters.get(index);
            saved.add(new SavedParameter(parameter.name, parameter.toSaved(), optimiser.savedState(index), null));
        }
        return new SavedLabelStage(labels, optimiserName, steps, saved);
    }

    /**
     * A stage of {@code labels} labels under {@code settings} from {@link #toSaved}'s record. Saved for another
     * label count or another optimiser, the stage starts afresh (zero: the first stage passed through), said to
     * {@code notices}.
     */
    public static LabelStacking fromSaved(SavedLabelStage saved, int labels, LearningSettings settings,
            Consumer<String> notices) {
        LabelStacking stage = new LabelStacking(labels, settings);
        if (saved.getLabelCount() != labels || !saved.getOptimizer().toString().equals(stage.optimiserName)) {
            notices.accept("the label stage was saved for " + saved.getLabelCount() + " labels with "
                    + saved.getOptimizer() + ": it starts afresh");
            return stage;
        }
        stage.steps = saved.getSteps();
        for (int index = 0; index < stage.parameters.size(); index++) {
            SavedParameter parameter = saved.getParameters().get(index);
            stage.parameters.get(index).restore(parameter.getValues());
            stage.optimiser.restoreState(index, parameter.getOptimiserSlots());
        }
        return stage;
    }
}
