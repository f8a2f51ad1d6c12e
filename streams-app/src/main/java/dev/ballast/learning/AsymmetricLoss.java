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
final class AsymmetricLoss extends ElementwiseObjective {

    private final double positiveGamma;
    private final double negativeGamma;
    private final double margin;

    AsymmetricLoss(double positiveGamma, double negativeGamma, double margin) {
        this.positiveGamma = positiveGamma;
        this.negativeGamma = negativeGamma;
        this.margin = margin;
    }

    @Override
    protected double element(double logit, double target, double posWeight, double negWeight, double p, double q,
            double softplus, double[] lossOut) {
        if (target >= 0.5) {
            double softplusOfNegative = softplus - logit;
            double factor = Math.pow(q, positiveGamma);
            lossOut[0] = posWeight * factor * softplusOfNegative;
            return -posWeight * factor * (positiveGamma * p * softplusOfNegative + q);
        }
        if (p <= margin) {
            lossOut[0] = 0;
            return 0;
        }
        double shifted = p - margin;
        // -log(1 - pm): softplus(x) itself without a margin, else from 1 - pm = q + m >= m > 0.
        double negativeLog = margin == 0 ? softplus : -Math.log(q + margin);
        double factor = Math.pow(shifted, negativeGamma);
        lossOut[0] = negWeight * factor * negativeLog;
        double byShifted = negativeGamma * Math.pow(shifted, negativeGamma - 1) * negativeLog + factor / (q + margin);
        return negWeight * byShifted * p * q;
    }
}
