package dev.ballast.learning;

/**
 * Weighted binary cross-entropy from a logit, in the numerically stable form: for every finite logit the loss
 * and its derivative are finite. Per element, with target z in {0, 1} and class weights wp, wn:
 * <pre>
 *   loss     = wn*(1-z)*softplus(x) + wp*z*softplus(-x)
 *   dLoss/dx = wn*(1-z)*sigmoid(x) - wp*z*(1-sigmoid(x))
 * </pre>
 * with {@code softplus(x) = max(x, 0) + log1p(exp(-|x|))}; {@code log(sigmoid(x))} is never formed. With wn=1
 * this is TensorFlow's {@code weighted_cross_entropy_with_logits} and PyTorch's {@code BCEWithLogitsLoss}.
 */
public final class WeightedBinaryCrossEntropy {

    private WeightedBinaryCrossEntropy() {
    }

    /** The loss of one element. */
    public static double loss(double logit, double target, double posWeight, double negWeight) {
        return negWeight * (1 - target) * softplus(logit) + posWeight * target * softplus(-logit);
    }

    /** The derivative of {@link #loss} with respect to the logit. */
    public static double gradient(double logit, double target, double posWeight, double negWeight) {
        double probability = sigmoid(logit);
        return negWeight * (1 - target) * probability - posWeight * target * (1 - probability);
    }

    /** {@code log(1 + exp(x))} without overflow or loss of precision for large |x|. */
    public static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** The logistic function, evaluated so that exp never overflows. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
