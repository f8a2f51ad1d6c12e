package dev.ballast.learning;

/**
 * An {@link Objective} given one element at a time: the batch loop, the importance weights, the reduction over
 * rows, the flush of negligible gradients and the unweighted loss are shared here. The default
 * {@link WeightedBinaryCrossEntropy} keeps a fused loop of its own, as it is on every training step's hot path.
 * Not thread-safe (one scratch slot): each model creates its own.
 */
abstract class ElementwiseObjective implements Objective {

    private final double[] loss = new double[1];

    /**
     * The loss of one element, into {@code lossOut[0]}; returns its derivative with respect to the logit.
     *
     * @param p          {@code sigmoid(logit)}
     * @param q          {@code 1 - p}, computed without cancellation
     * @param softplus   {@code softplus(logit) = -log(1 - p)}
     */
    protected abstract double element(double logit, double target, double posWeight, double negWeight, double p,
            double q, double softplus, double[] lossOut);

    @Override
    public final Losses evaluate(float[] logits, float[] targets, float[] importances, int rows, int labels,
            float[] posWeights, float[] negWeights, float[] logitOffsets, float[] gradientsOut) {
        double weightedLoss = 0;
        double unweightedLoss = 0;
        for (int row = 0; row < rows; row++) {
            double importance = importances[row];
            for (int label = 0; label < labels; label++) {
                int i = row * labels + label;
                double target = targets[i];
                double logit = logits[i] + logitOffsets[label];
                double exp = Math.exp(-Math.abs(logit));
                double softplus = Math.max(logit, 0) + WeightedBinaryCrossEntropy.log1pOfUnit(exp);
                // p and 1 - p each from its own side, so neither loses precision to cancellation.
                double p = logit >= 0 ? 1 / (1 + exp) : exp / (1 + exp);
                double q = logit >= 0 ? exp / (1 + exp) : 1 / (1 + exp);
                double gradient = element(logit, target, posWeights[label], negWeights[label], p, q, softplus, loss);
                weightedLoss += importance * loss[0];
                unweightedLoss += WeightedBinaryCrossEntropy.unweighted(logits[i], target);
                gradientsOut[i] = Optimiser.flushNegligible((float) (importance / rows * gradient));
            }
        }
        return new Losses(weightedLoss / rows, unweightedLoss / rows);
    }
}
