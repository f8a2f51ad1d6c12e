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
final class FocalLoss extends ElementwiseObjective {

    private final double gamma;

    FocalLoss(double gamma) {
        this.gamma = gamma;
    }

    @Override
    protected double element(double logit, double target, double posWeight, double negWeight, double p, double q,
            double softplus, double[] lossOut) {
        double softplusOfNegative = softplus - logit;
        double positiveFactor = Math.pow(q, gamma);
        double negativeFactor = Math.pow(p, gamma);
        lossOut[0] = posWeight * target * positiveFactor * softplusOfNegative
                + negWeight * (1 - target) * negativeFactor * softplus;
        return -posWeight * target * positiveFactor * (gamma * p * softplusOfNegative + q)
                + negWeight * (1 - target) * negativeFactor * (gamma * q * softplus + p);
    }
}
