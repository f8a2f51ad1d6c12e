package dev.ballast.learning;

/**
 * Asymmetric loss (Ridnik et al. 2021, "Asymmetric Loss For Multi-Label Classification") with class weights:
 * focusing of its own strength for positives and negatives, and a probability margin m that discards the
 * easiest negatives altogether. With {@code p = sigmoid(x)}, {@code q = 1 - p} and {@code pm = max(p - m, 0)}:
 * <pre>
 *   loss = wp*z*q^gp*softplus(-x) + wn*(1-z)*pm^gn*(-log(1 - pm))
 * </pre>
 * The negative term and its derivative are 0 for {@code p <= m}.
 */
final class AsymmetricLoss implements Objective {

    private final double positiveGamma;
    private final double negativeGamma;
    private final double margin;

    AsymmetricLoss(double positiveGamma, double negativeGamma, double margin) {
        this.positiveGamma = positiveGamma;
        this.negativeGamma = negativeGamma;
        this.margin = margin;
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
                double softplus = Math.max(logit, 0) + WeightedBinaryCrossEntropy.log1pOfUnit(exp);
                double softplusOfNegative = softplus - logit;
                double p = logit >= 0 ? 1 / (1 + exp) : exp / (1 + exp);
                double q = logit >= 0 ? exp / (1 + exp) : 1 / (1 + exp);
                double loss = 0;
                double gradient = 0;
                if (target >= 0.5) {
                    double factor = Math.pow(q, positiveGamma);
                    loss = posWeights[label] * factor * softplusOfNegative;
                    gradient = -posWeights[label] * factor * (positiveGamma * p * softplusOfNegative + q);
                } else if (p > margin) {
                    double shifted = p - margin;
                    // -log(1 - pm): softplus(x) itself without a margin, else from 1 - pm = q + m >= m > 0.
                    double negativeLog = margin == 0 ? softplus : -Math.log(q + margin);
                    double factor = Math.pow(shifted, negativeGamma);
                    loss = negWeights[label] * factor * negativeLog;
                    double byShifted = negativeGamma * Math.pow(shifted, negativeGamma - 1) * negativeLog
                            + factor / (q + margin);
                    gradient = negWeights[label] * byShifted * p * q;
                }
                weightedLoss += importance * loss;
                unweightedLoss += WeightedBinaryCrossEntropy.unweighted(logits[i], target);
                gradientsOut[i] = Optimiser.flushNegligible((float) (importance / rows * gradient));
            }
        }
        return new Losses(weightedLoss / rows, unweightedLoss / rows);
    }
}
