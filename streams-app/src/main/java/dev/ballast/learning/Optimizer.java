package dev.ballast.learning;

import java.util.List;

/**
 * Applies one step of SGD (momentum), AdaGrad or Adam to all parameters, with L2 on penalised tensors and
 * clipping by global norm, all or nothing: the step is computed once into heap working copies, and written to
 * the parameters and their state only if every new value and state came out finite.
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
                // The sweeps below run over heap copies (the values' is kept equal to the native values): one bulk
                // copy of the gradient instead of a checked access per element, none when it was built on the heap.
                if (!p.heapGradientsCurrent) {
                    p.gradients.get(start, gradients, start, end - start);
                }
                for (int i = start; i < end; i++) {
                    double g = gradients[i] + decay * values[i];
                    sumOfSquares += g * g;
                }
            }
        }
        for (Parameter p : parameters) {
            p.heapGradientsCurrent = false;
        }
        double norm = Math.sqrt(sumOfSquares);
        if (!Double.isFinite(norm)) {
            return "non-finite gradient";
        }
        double clip = settings.gradientClipNorm();
        float gradientScale = clip > 0 && norm > clip ? (float) (clip / norm) : 1f;
        float rate = (float) learningRate(step);
        boolean finite = true;
        for (Parameter p : parameters) {
            for (int segment = 0; segment < p.segmentCount(); segment++) {
                finite &= sweep(p, p.segmentStart(segment), p.segmentEnd(segment), gradientScale, rate);
            }
        }
        if (!finite) {
            // Nothing was written to the parameters or their state; the heap values go back to theirs.
            for (Parameter p : parameters) {
                for (int segment = 0; segment < p.segmentCount(); segment++) {
                    int from = p.segmentStart(segment);
                    p.values.get(from, p.heapValues, from, p.segmentEnd(segment) - from);
                }
            }
            return "non-finite parameter update";
        }
        for (Parameter p : parameters) {
            for (int segment = 0; segment < p.segmentCount(); segment++) {
                int from = p.segmentStart(segment);
                int length = p.segmentEnd(segment) - from;
                p.values.put(from, p.heapValues, from, length);
                System.arraycopy(p.nextFirstState, from, p.firstState, from, length);
                if (p.secondState.length > 0) {
                    System.arraycopy(p.nextSecondState, from, p.secondState, from, length);
                }
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

    /**
     * Computes the step for elements {@code [from, to)} into the working copies (new values in
     * {@code heapValues}, new optimiser state in {@code nextFirstState}/{@code nextSecondState}): one pass, and
     * nothing reaches the parameter or its state until every element of every parameter came out finite.
     *
     * @return whether every new value and state is finite
     */
    private boolean sweep(Parameter p, int from, int to, float gradientScale, float rate) {
        OptimizerType type = settings.optimizer();
        float momentum = (float) settings.momentum();
        float decay = p.penalised ? l2 : 0f;
        float[] values = p.heapValues;
        float[] gradients = p.heapGradients;
        float[] firstState = p.firstState;
        float[] nextFirst = p.nextFirstState;
        float[] nextSecond = p.nextSecondState;
        // x - x is 0 for every finite x and NaN otherwise: one sum tells whether anything was not finite, with no
        // branch per element.
        float nonFinite = 0f;
        for (int i = from; i < to; i++) {
            float value = values[i];
            float g = flushNegligible((gradients[i] + decay * value) * gradientScale);
            if (g == 0f && skipsZeroGradients) {
                nextFirst[i] = firstState[i];
                continue;
            }
            float first;
            float updated;
            switch (type) {
                case SGD -> {
                    first = momentum * firstState[i] + g;
                    updated = value - rate * first;
                }
                case ADAGRAD -> {
                    first = firstState[i] + g * g;
                    updated = value - rate * g / ((float) Math.sqrt(first) + EPSILON);
                }
                case ADAM -> {
                    first = ADAM_BETA1 * firstState[i] + (1 - ADAM_BETA1) * g;
                    float second = ADAM_BETA2 * p.secondState[i] + (1 - ADAM_BETA2) * g * g;
                    updated = value - rate * first / ((float) Math.sqrt(second) + EPSILON);
                    nextSecond[i] = second;
                    nonFinite += second - second;
                }
                default -> throw new IllegalStateException("Unknown optimizer " + type);
            }
            values[i] = updated;
            nextFirst[i] = first;
            nonFinite += (updated - updated) + (first - first);
        }
        return nonFinite == 0f;
    }
}
