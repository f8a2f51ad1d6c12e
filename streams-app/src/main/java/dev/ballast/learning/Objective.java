package dev.ballast.learning;

/**
 * A per-label training loss on logits, with per-label class weights and per-row importance weights: the one
 * part of training that turns a batch's logits and targets into the loss and its gradient. The training step
 * calls {@link #evaluate}; the per-element {@link #loss} and {@link #gradient} run the same code on a batch of
 * one, so what the golden and gradient-check tests see is what trains.
 *
 * <p>Each model creates its own instance ({@link ObjectiveSettings}), used by one thread. A new loss is one class
 * implementing this (or {@link ElementwiseObjective}, which needs only the loss and derivative of one element) and
 * one {@link ObjectiveType} constant.
 */
public interface Objective {

    /** The losses of a batch: the objective's own (weighted) and plain unweighted binary cross-entropy. */
    record Losses(double weighted, double unweighted) {
    }

    /**
     * Loss and gradient of one batch. Per row r and label l, with {@code x = logits[r*labels + l] + logitOffsets[l]}:
     * the loss is {@code importances[r] * loss(x, target, posWeights[l], negWeights[l])}, summed and divided by
     * {@code rows}; {@code gradientsOut} receives its derivative with respect to the logit, with magnitudes
     * below {@link Optimiser#NEGLIGIBLE_GRADIENT} flushed to 0. The unweighted loss is binary cross-entropy with
     * every weight 1 and no offset, reported for comparison across objectives and weight policies.
     *
     * @param logitOffsets per label, added to the logit for the loss only (logit adjustment); zeros for none
     */
    Losses evaluate(float[] logits, float[] targets, float[] importances, int rows, int labels, float[] posWeights,
            float[] negWeights, float[] logitOffsets, float[] gradientsOut);

    /** The loss of one element, through {@link #evaluate}. */
    default double loss(float logit, float target, float posWeight, float negWeight) {
        return evaluate(new float[] {logit}, new float[] {target}, new float[] {1f}, 1, 1, new float[] {posWeight},
                new float[] {negWeight}, new float[1], new float[1]).weighted();
    }

    /** The derivative of {@link #loss} with respect to the logit, through {@link #evaluate}. */
    default double gradient(float logit, float target, float posWeight, float negWeight) {
        float[] gradient = new float[1];
        evaluate(new float[] {logit}, new float[] {target}, new float[] {1f}, 1, 1, new float[] {posWeight},
                new float[] {negWeight}, new float[1], gradient);
        return gradient[0];
    }
}
