package dev.ballast.learning;

import java.util.List;

/**
 * Applies one step of SGD (momentum), AdaGrad or Adam to all parameters, with L2 on penalised tensors and
 * clipping by global norm, all or nothing: the step is first evaluated without writing, and only if every
 * new value and state is finite is it evaluated again, identically, and written.
 */
final class Optimizer {

    private static final float ADAM_BETA1 = 0.9f;
    private static final float ADAM_BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;
    /**
     * Gradients smaller than this are treated as 0. A model that fits its data well produces gradients that
     * decay into float32's subnormal range, where x86 arithmetic is up to 100 times slower; with EPSILON 1e-8 in
     * the adaptive denominators, such a gradient could not move a weight by more than {@code lr * 1e-8}.
     */
    static final float NEGLIGIBLE_GRADIENT = 1e-16f;

    private final LearningSettings settings;
    private final List<Parameter> parameters;
    private final float l2;
    private final boolean skipsZeroGradients;

    Optimizer(LearningSettings settings, List<Parameter> parameters) {
        this.settings = settings;
        this.parameters = parameters;
        this.l2 = (float) settings.l2();
        this.skipsZeroGradients = skipsZeroGradients(settings);
    }

    /**
     * Whether a zero gradient leaves a parameter and its state exactly as they are: true for AdaGrad and for
     * SGD without momentum, when there is no L2. Then a step may visit only the rows a sparse batch touched;
     * Adam and momentum move every weight on every step (their moments decay), so they visit all.
     */
    static boolean skipsZeroGradients(LearningSettings settings) {
        return settings.l2() == 0 && (settings.optimizer() == OptimizerType.ADAGRAD
                || settings.optimizer() == OptimizerType.SGD && settings.momentum() == 0);
    }

    /**
     * @param step 1-based number of the step being taken (Adam's bias correction)
     * @return null when applied, otherwise why the parameters were left unchanged
     */
    String step(long step) {
        double sumOfSquares = 0;
        for (Parameter p : parameters) {
            float decay = p.penalised ? l2 : 0f;
            float[] values = p.heapValues;
            float[] gradients = p.heapGradients;
            for (int segment = 0; segment < p.segmentCount(); segment++) {
                int start = p.segmentStart(segment);
                int end = p.segmentEnd(segment);
                // The sweeps below run over heap copies: one bulk copy instead of a checked access per element.
                p.values.get(start, values, start, end - start);
                p.gradients.get(start, gradients, start, end - start);
                for (int i = start; i < end; i++) {
                    double g = gradients[i] + decay * values[i];
                    sumOfSquares += g * g;
                }
            }
        }
        double norm = Math.sqrt(sumOfSquares);
        if (!Double.isFinite(norm)) {
            return "non-finite gradient";
        }
        double clip = settings.gradientClipNorm();
        float gradientScale = clip > 0 && norm > clip ? (float) (clip / norm) : 1f;
        float rate = (float) learningRate(step);
        if (!sweep(gradientScale, rate, false)) {
            return "non-finite parameter update";
        }
        sweep(gradientScale, rate, true);
        for (Parameter p : parameters) {
            for (int segment = 0; segment < p.segmentCount(); segment++) {
                int start = p.segmentStart(segment);
                p.values.put(start, p.heapValues, start, p.segmentEnd(segment) - start);
            }
        }
        return null;
    }

    private double learningRate(long step) {
        if (settings.optimizer() != OptimizerType.ADAM) {
            return settings.learningRate();
        }
        return settings.learningRate() * Math.sqrt(1 - Math.pow(ADAM_BETA2, step)) / (1 - Math.pow(ADAM_BETA1, step));
    }

    static float flushNegligible(float gradient) {
        return Math.abs(gradient) < NEGLIGIBLE_GRADIENT ? 0f : gradient;
    }

    private boolean sweep(float gradientScale, float rate, boolean write) {
        for (Parameter p : parameters) {
            for (int segment = 0; segment < p.segmentCount(); segment++) {
                if (!sweep(p, p.segmentStart(segment), p.segmentEnd(segment), gradientScale, rate, write)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean sweep(Parameter p, int from, int to, float gradientScale, float rate, boolean write) {
        OptimizerType type = settings.optimizer();
        float momentum = (float) settings.momentum();
        float decay = p.penalised ? l2 : 0f;
        float[] values = p.heapValues;
        float[] gradients = p.heapGradients;
        // x - x is 0 for every finite x and NaN otherwise: one sum tells whether anything was not finite, with no
        // branch per element.
        float nonFinite = 0f;
        for (int i = from; i < to; i++) {
            float value = values[i];
            float g = flushNegligible((gradients[i] + decay * value) * gradientScale);
            if (g == 0f && skipsZeroGradients) {
                continue;
            }
            float first;
            float second = 0f;
            float updated;
            switch (type) {
                case SGD -> {
                    first = momentum * p.firstState[i] + g;
                    updated = value - rate * first;
                }
                case ADAGRAD -> {
                    first = p.firstState[i] + g * g;
                    updated = value - rate * g / ((float) Math.sqrt(first) + EPSILON);
                }
                case ADAM -> {
                    first = ADAM_BETA1 * p.firstState[i] + (1 - ADAM_BETA1) * g;
                    second = ADAM_BETA2 * p.secondState[i] + (1 - ADAM_BETA2) * g * g;
                    updated = value - rate * first / ((float) Math.sqrt(second) + EPSILON);
                }
                default -> throw new IllegalStateException("Unknown optimizer " + type);
            }
            if (write) {
                values[i] = updated;
                p.firstState[i] = first;
                if (type == OptimizerType.ADAM) {
                    p.secondState[i] = second;
                }
            } else {
                nonFinite += (updated - updated) + (first - first) + (second - second);
            }
        }
        return nonFinite == 0f;
    }
}
