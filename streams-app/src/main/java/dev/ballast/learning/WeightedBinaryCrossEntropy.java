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
public final class WeightedBinaryCrossEntropy implements Objective {

    /**
     * A product of the unweighted loss's log arguments is logged once it leaves [1/limit, limit]. Each factor lies
     * within e^|offset| (and 2) of 1, so with offsets up to {@link #BOUNDED_OFFSET} the product never reaches float64's
     * overflow or its subnormals (logit adjustment's are at most 4 times the log-odds of a prior clamped at 1e-4, 37).
     */
    private static final double PRODUCT_LIMIT = 1e250;
    private static final double BOUNDED_OFFSET = 100;
    /** Per label, {@code exp(-logitOffsets[label])}: scratch of {@link #evaluate}, so one instance serves one thread. */
    private double[] offsetFactors = new double[0];

    @Override
    public Losses evaluate(float[] logits, float[] targets, float[] importances, int rows, int labels,
            float[] posWeights, float[] negWeights, float[] logitOffsets, float[] gradientsOut) {
        double weightedLoss = 0;
        double unweightedLoss = 0;
        if (offsetFactors.length < labels) {
            offsetFactors = new double[labels];
        }
        double limit = PRODUCT_LIMIT;
        for (int label = 0; label < labels; label++) {
            offsetFactors[label] = Math.exp(-(double) logitOffsets[label]);
            if (!(Math.abs(logitOffsets[label]) <= BOUNDED_OFFSET)) {
                // Larger offsets: one log per element.
                limit = 1;
            }
        }
        // The unweighted loss's logs of shifted logits, as the log of their product, taken now and then.
        double product = 1;
        for (int row = 0; row < rows; row++) {
            double importance = importances[row];
            for (int label = 0; label < labels; label++) {
                int i = row * labels + label;
                double target = targets[i];
                double posWeight = posWeights[label];
                double negWeight = negWeights[label];
                double rawLogit = logits[i];
                double logit = rawLogit + logitOffsets[label];
                // One exp(-|x|) and one log1p behind softplus(x), softplus(-x) and sigmoid(x).
                double exp = Math.exp(-Math.abs(logit));
                double log1p = log1pOfUnit(exp);
                double softplus = Math.max(logit, 0) + log1p;
                double softplusOfNegative = Math.max(-logit, 0) + log1p;
                double probability = logit >= 0 ? 1 / (1 + exp) : exp / (1 + exp);
                weightedLoss += importance
                        * (negWeight * (1 - target) * softplus + posWeight * target * softplusOfNegative);
                if (logit == rawLogit) {
                    unweightedLoss += (1 - target) * softplus + target * softplusOfNegative;
                } else {
                    // softplus(raw) from the exp above and the label's exp(-offset), with no exp and no log of its
                    // own: for x = raw + offset, 1 + exp(raw) = 1 + exp(x) * exp(-offset), factored on the side where
                    // exp(-|x|) <= 1, is x + log(exp(-x) + exp(-offset)) or log(1 + exp(x) * exp(-offset)); the logs
                    // of a batch are one log of their product.
                    double factor = offsetFactors[label];
                    if (logit >= 0) {
                        unweightedLoss += logit;
                        product *= exp + factor;
                    } else {
                        product *= 1 + exp * factor;
                    }
                    if (product > limit || product < 1 / limit) {
                        unweightedLoss += Math.log(product);
                        product = 1;
                    }
                    unweightedLoss -= target * rawLogit;
                }
                gradientsOut[i] = Optimiser.flushNegligible((float) (importance / rows
                        * (negWeight * (1 - target) * probability - posWeight * target * (1 - probability))));
            }
        }
        unweightedLoss += Math.log(product);
        return new Losses(weightedLoss / rows, unweightedLoss / rows);
    }

    /**
     * Plain binary cross-entropy of one element, every weight 1: the unweighted loss every objective reports.
     * {@code (1-z)*softplus(x) + z*softplus(-x)}, as {@code softplus(x) - z*x} ({@code softplus(-x) = softplus(x) - x}):
     * one exp and one log per element, not two of each, on every training step with logit adjustment.
     */
    static double unweighted(double logit, double target) {
        return softplus(logit) - target * logit;
    }

    /** {@code log(1 + exp(x))} without overflow or loss of precision for large |x|. */
    public static double softplus(double x) {
        return Math.max(x, 0) + log1pOfUnit(Math.exp(-Math.abs(x)));
    }

    /** The logistic function, evaluated so that exp never overflows. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /**
     * {@code log1p(x)} for x in [0, 1], to about 1e-12 relative: {@code Math.log1p} is StrictMath's, a call out
     * of compiled code that took a tenth of a training step; {@code Math.log} is an intrinsic. Below 1e-4 the
     * series (error under x^4 / 4) replaces {@code log(1 + x)}, whose rounding of 1 + x would grow relative to x.
     */
    static double log1pOfUnit(double x) {
        if (x < 1e-4) {
            return x * (1 - x * (0.5 - x / 3));
        }
        return Math.log(1 + x);
    }
}
