package dev.ballast.learning;

/**
 * Focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection") with class weights: binary
 * cross-entropy with each element scaled by how wrong it is, so that the many easy negatives of a rare label
 * stop dominating the gradient. Per element, with {@code p = sigmoid(x)}:
 * <pre>
 *   loss     = wp*z*(1-p)^g*softplus(-x) + wn*(1-z)*p^g*softplus(x)
 *   dLoss/dx = -wp*z*(1-p)^g*(g*p*softplus(-x) + 1-p) + wn*(1-z)*p^g*(g*(1-p)*softplus(x) + p)
 * </pre>
 * At g = 0 it is {@link WeightedBinaryCrossEntropy}.
 */
final class FocalLoss implements Objective {

    private final double gamma;

    FocalLoss(double gamma) {
        this.gamma = gamma;
    }

    @Override
    public Losses evaluate(float[] logits, float[] targets, float[] importances, int rows, int labels,
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
                double log1p = WeightedBinaryCrossEntropy.log1pOfUnit(exp);
                double softplus = Math.max(logit, 0) + log1p;
                double softplusOfNegative = Math.max(-logit, 0) + log1p;
                // p and 1 - p each from its own side, so neither loses precision to cancellation.
                double p = logit >= 0 ? 1 / (1 + exp) : exp / (1 + exp);
                double q = logit >= 0 ? exp / (1 + exp) : 1 / (1 + exp);
                double positiveFactor = Math.pow(q, gamma);
                double negativeFactor = Math.pow(p, gamma);
                double loss = posWeights[label] * target * positiveFactor * softplusOfNegative
                        + negWeights[label] * (1 - target) * negativeFactor * softplus;
                double gradient = -posWeights[label] * target * positiveFactor * (gamma * p * softplusOfNegative + q)
                        + negWeights[label] * (1 - target) * negativeFactor * (gamma * q * softplus + p);
                weightedLoss += importance * loss;
                unweightedLoss += WeightedBinaryCrossEntropy.unweighted(logits[i], target);
                gradientsOut[i] = Optimiser.flushNegligible((float) (importance / rows * gradient));
            }
        }
        return new Losses(weightedLoss / rows, unweightedLoss / rows);
    }
}
