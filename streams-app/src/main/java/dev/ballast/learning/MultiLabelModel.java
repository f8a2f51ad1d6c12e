package dev.ballast.learning;

import java.util.List;

/**
 * A multi-label probabilistic classifier trained online, one mini-batch at a time, on a per-label
 * {@link Objective} (weighted binary cross-entropy by default).
 *
 * <p><b>Loss.</b> Per row r and label l with logit x, target z, class weights wp/wn and importance weight s:
 * {@code s * loss(x, z, wp, wn)}, for binary cross-entropy {@code s * (wn*(1-z)*softplus(x) + wp*z*softplus(-x))}.
 * The batch loss is the sum over rows and labels divided by the number of rows (a per-example mean, summed over
 * labels), so the step size does not depend on the batch size.
 *
 * <p><b>Standardisation</b> (when {@link LearningSettings#standardize()}): decayed mean and variance of every
 * feature, which resist outliers, are updated from the dense rows of each training batch, after its step (see
 * {@link Standardiser}). A dense row is transformed to {@code clamp((x - featureMean) * featureScale, ±featureClip)},
 * with {@code featureScale = 1/sqrt(variance + 1e-8)} (1 before two dense rows were seen). A sparse row is only
 * scaled, {@code clamp(x, ±sparseClip) * featureScale}, never centred, so it stays sparse; until the model has seen
 * two dense rows, the sparse rows' own root mean squares set {@code featureScale} and {@code sparseClip} (see
 * {@link Standardiser}).
 *
 * <p>Implementations are not thread-safe: one model belongs to one stream thread.
 */
public interface MultiLabelModel {

    int featureCount();

    int labelCount();

    LearningSettings settings();

    /**
     * Probabilities, row-major: {@code probabilitiesOut[row * labelCount() + label]} for {@code batch.size()}
     * rows. Does not change the model.
     */
    default void predict(MiniBatch batch, float[] probabilitiesOut) {
        predict(batch, probabilitiesOut, new float[labelCount()]);
    }

    /**
     * Like {@link #predict(MiniBatch, float[])}, with {@code logitOffsets[label]} added to each label's logit
     * before the sigmoid (logit adjustment by the label priors).
     */
    void predict(MiniBatch batch, float[] probabilitiesOut, float[] logitOffsets);

    /**
     * The logits before the sigmoid, row-major like {@link #predict(MiniBatch, float[])}, through the same parameters
     * (the averages, when averaging is on): {@code predict} with offsets {@code o} gives {@code sigmoid(logit + o)}.
     * A caller that adds offsets of its own per row (priors that move within the batch) starts from these. Does not
     * change the model.
     */
    void logits(MiniBatch batch, float[] logitsOut);

    /**
     * Takes ONE optimiser step on the weighted loss of the batch as the model sees it now (the standardisation in
     * force, the same the last {@link #predict} of it used), then adds the batch's dense rows to the
     * standardiser's statistics (if on): test, then train, then update the statistics. (Until the standardiser
     * has seen two dense rows it is updated first, so that no step is taken on raw features.) When the batch was
     * just predicted and neither it nor the model changed since, that forward pass is reused.
     * A non-finite loss, gradient or updated parameter skips the step and leaves every parameter and all
     * optimiser state exactly as before (the standardiser's statistics, kept in float64, are still updated).
     * An empty batch takes no step: it returns skipped with reason "empty batch" and is not counted in
     * {@link #skippedSteps()}. Element weights set on the batch ({@link MiniBatch#setElementWeights}) multiply each
     * element's gradient; the reported losses are those of every element, unweighted by them.
     *
     * @param posWeights per label, weight of the positive class
     * @param negWeights per label, weight of the negative class
     * @param logitOffsets per label, added to the logit in the loss only (logit adjustment); predictions never
     *     see it
     */
    default StepResult learn(MiniBatch batch, float[] posWeights, float[] negWeights, float[] logitOffsets) {
        return learn(batch, posWeights, negWeights, logitOffsets, 1.0);
    }

    /**
     * {@link #learn(MiniBatch, float[], float[], float[])} with the gradient of the batch's mean loss scaled by
     * {@code gradientScale} before the optimiser step: how a batch shorter than a full one counts (see
     * {@link dev.ballast.training.TrainerSettings#gradientScale}). The reported losses are unscaled.
     *
     * @param gradientScale in (0, 1]; 1 steps on the mean gradient itself
     */
    StepResult learn(MiniBatch batch, float[] posWeights, float[] negWeights, float[] logitOffsets,
            double gradientScale);

    /** {@link #learn(MiniBatch, float[], float[], float[])} without logit offsets. */
    default StepResult learn(MiniBatch batch, float[] posWeights, float[] negWeights) {
        return learn(batch, posWeights, negWeights, new float[labelCount()]);
    }

    /**
     * Sets each output bias to {@code log(p/(1-p))}, p clamped to [1e-4, 1-1e-4], the first time it is called;
     * later calls are no-ops.
     */
    void initialiseBiasFromPrior(double[] prevalence);

    /** Optimiser steps taken (skipped steps excluded). */
    long steps();

    /** Steps skipped because something was not finite. */
    long skippedSteps();

    /**
     * The events of the skipped steps: counted (label statistics, metrics) but not learned from, since a step is
     * all or nothing for its batch.
     */
    long eventsInSkippedSteps();

    /**
     * Everything needed to predict, as named row-major float32 copies: linear {@code W [F,L]}, {@code b [L]};
     * MLP {@code W1 [F,H]}, {@code b1 [H]}, {@code W2 [H,L]}, {@code b2 [L]}; with standardisation also
     * {@code featureMean [F]}, {@code featureScale [F]} and {@code featureClip [1]}, and {@code sparseClip [1]} once
     * sparse rows have set it.
     */
    List<ParameterTensor> parameters();
}
