package dev.ballast.learning;

import dev.ballast.schema.state.SavedArrays;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One step of a first-order method on all parameters, with L2 on penalised tensors and clipping by global norm,
 * all or nothing: the step is computed once into heap working copies, and written to the parameters and to the
 * optimiser's state only if every new value and state came out finite. This class does the norm, the clipping
 * and the commit; a subclass is one update rule ({@link #sweep}) and owns its per-element state ({@link #slots}
 * float arrays per parameter). A new optimiser is one subclass and one {@link OptimizerType} constant.
 */
abstract class Optimiser {

    static final float EPSILON = 1e-8f;
    /**
     * Gradients smaller than this are treated as 0. A model that fits its data well produces gradients that
     * decay into float32's subnormal range, where x86 arithmetic is up to 100 times slower; with EPSILON 1e-8 in
     * the adaptive denominators, such a gradient could not move a weight by more than {@code lr * 1e-8}.
     */
    static final float NEGLIGIBLE_GRADIENT = 1e-16f;

    protected final LearningSettings settings;
    private final List<Parameter> parameters;
    private final float l2;
    /** Per parameter, per slot: the state in force, and the working copy a step writes before it is committed. */
    private final float[][][] state;
    private final float[][][] nextState;

    protected Optimiser(LearningSettings settings, List<Parameter> parameters, int slots) {
        this.settings = settings;
        this.parameters = parameters;
        this.l2 = (float) settings.l2();
        this.state = new float[parameters.size()][slots][];
        this.nextState = new float[parameters.size()][slots][];
        for (int p = 0; p < parameters.size(); p++) {
            for (int slot = 0; slot < slots; slot++) {
                state[p][slot] = new float[parameters.get(p).length];
                nextState[p][slot] = new float[parameters.get(p).length];
            }
        }
    }

    /**
     * The value of every element of {@code slot} in a fresh optimiser (0 unless the update rule starts elsewhere):
     * also what a new label's elements start from when a model is widened.
     */
    protected float freshValue(int slot) {
        return 0f;
    }

    /** Sets every slot to its {@link #freshValue}; a subclass whose slots do not start at 0 calls it once built. */
    protected final void startFresh() {
        for (float[][] slots : state) {
            for (int slot = 0; slot < slots.length; slot++) {
                Arrays.fill(slots[slot], freshValue(slot));
            }
        }
    }

    /** The optimiser of {@code settings}, over {@code parameters}. */
    static Optimiser create(LearningSettings settings, List<Parameter> parameters) {
        return settings.optimizer().create(settings, parameters);
    }

    /**
     * Whether a zero gradient leaves every value and state element exactly as it is, so that a step may visit
     * only the rows a sparse batch touched. Never with L2 (the penalty is a gradient of its own).
     */
    final boolean skipsZeroGradients() {
        return l2 == 0 && zeroGradientIsNoOp();
    }

    /** Whether this update rule leaves value and state unchanged for a zero gradient. */
    protected abstract boolean zeroGradientIsNoOp();

    /** The step size of the 1-based step {@code step}. */
    protected double learningRate(long step) {
        return settings.learningRate();
    }

    /**
     * Computes the update of elements {@code [from, to)}: new values into {@code values} (a working copy), new
     * state into {@code next} (same slots as {@code state}). The gradient of element i is
     * {@code flushNegligible((gradients[i] + decay * values[i]) * gradientScale)}.
     *
     * @return whether every new value and state element is finite
     */
    protected abstract boolean sweep(float[] values, float[] gradients, float decay, float gradientScale, float rate,
            float[][] state, float[][] next, int from, int to);

    /**
     * @param step 1-based number of the step being taken (Adam's bias correction)
     * @return null when applied, otherwise why the parameters were left unchanged
     */
    final String step(long step) {
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
        for (int index = 0; index < parameters.size(); index++) {
            Parameter p = parameters.get(index);
            float decay = p.penalised ? l2 : 0f;
            for (int segment = 0; segment < p.segmentCount(); segment++) {
                finite &= sweep(p.heapValues, p.heapGradients, decay, gradientScale, rate, state[index],
                        nextState[index], p.segmentStart(segment), p.segmentEnd(segment));
            }
        }
        if (!finite) {
            // Nothing was written to the parameters or the state; the heap values go back to theirs.
            for (Parameter p : parameters) {
                for (int segment = 0; segment < p.segmentCount(); segment++) {
                    int from = p.segmentStart(segment);
                    p.values.get(from, p.heapValues, from, p.segmentEnd(segment) - from);
                }
            }
            return "non-finite parameter update";
        }
        for (int index = 0; index < parameters.size(); index++) {
            Parameter p = parameters.get(index);
            for (int segment = 0; segment < p.segmentCount(); segment++) {
                int from = p.segmentStart(segment);
                int length = p.segmentEnd(segment) - from;
                p.values.put(from, p.heapValues, from, length);
                for (int slot = 0; slot < state[index].length; slot++) {
                    System.arraycopy(nextState[index][slot], from, state[index][slot], from, length);
                }
            }
        }
        return null;
    }

    static float flushNegligible(float gradient) {
        return Math.abs(gradient) < NEGLIGIBLE_GRADIENT ? 0f : gradient;
    }

    /** The state of parameter {@code index}: one packed float32 tensor per slot, shaped like the parameter. */
    final List<ByteBuffer> savedState(int index) {
        List<ByteBuffer> slots = new ArrayList<>(state[index].length);
        for (float[] slot : state[index]) {
            slots.add(SavedArrays.tensor(slot));
        }
        return slots;
    }

    /**
     * Takes the state of parameter {@code index} from {@link #savedState}'s tensors.
     *
     * @throws IllegalArgumentException when they are not this optimiser's slots of the parameter's shape
     */
    final void restoreState(int index, List<ByteBuffer> saved) {
        float[][] slots = state[index];
        if (saved.size() != slots.length) {
            throw new IllegalArgumentException("saved optimiser state has " + saved.size() + " slots, expected "
                    + slots.length);
        }
        for (int slot = 0; slot < slots.length; slot++) {
            SavedArrays.copyTensor(saved.get(slot), slots[slot], "optimiser state of parameter " + index);
        }
    }

    /** Stochastic gradient descent with heavy-ball momentum (plain SGD at momentum 0). Slot 0: the velocity. */
    static final class Sgd extends Optimiser {
        private final float momentum;

        Sgd(LearningSettings settings, List<Parameter> parameters) {
            super(settings, parameters, 1);
            this.momentum = (float) settings.momentum();
        }

        @Override
        protected boolean zeroGradientIsNoOp() {
            return momentum == 0;
        }

        @Override
        protected boolean sweep(float[] values, float[] gradients, float decay, float gradientScale, float rate,
                float[][] state, float[][] next, int from, int to) {
            float[] velocity = state[0];
            float[] nextVelocity = next[0];
            // x - x is 0 for every finite x and NaN otherwise: one sum tells whether anything was not finite, with
            // no branch per element.
            float nonFinite = 0f;
            for (int i = from; i < to; i++) {
                float value = values[i];
                float g = flushNegligible((gradients[i] + decay * value) * gradientScale);
                float v = momentum * velocity[i] + g;
                float updated = value - rate * v;
                values[i] = updated;
                nextVelocity[i] = v;
                nonFinite += (updated - updated) + (v - v);
            }
            return nonFinite == 0f;
        }
    }

    /**
     * AdaGrad: per-element steps scaled by the root of the accumulated squared gradients. Slot 0: that sum, which
     * starts at {@link LearningSettings#initialAccumulator()}.
     */
    static final class AdaGrad extends Optimiser {
        private final float initialAccumulator;

        AdaGrad(LearningSettings settings, List<Parameter> parameters) {
            super(settings, parameters, 1);
            this.initialAccumulator = (float) settings.initialAccumulator();
            startFresh();
        }

        @Override
        protected float freshValue(int slot) {
            return initialAccumulator;
        }

        @Override
        protected boolean zeroGradientIsNoOp() {
            return true;
        }

        @Override
        protected boolean sweep(float[] values, float[] gradients, float decay, float gradientScale, float rate,
                float[][] state, float[][] next, int from, int to) {
            float[] sum = state[0];
            float[] nextSum = next[0];
            float nonFinite = 0f;
            for (int i = from; i < to; i++) {
                float value = values[i];
                float g = flushNegligible((gradients[i] + decay * value) * gradientScale);
                if (g == 0f) {
                    nextSum[i] = sum[i];
                    continue;
                }
                float accumulated = sum[i] + g * g;
                float updated = value - rate * g / ((float) Math.sqrt(accumulated) + EPSILON);
                values[i] = updated;
                nextSum[i] = accumulated;
                nonFinite += (updated - updated) + (accumulated - accumulated);
            }
            return nonFinite == 0f;
        }
    }

    /** Adam with beta1 0.9, beta2 0.999, epsilon 1e-8 and bias correction. Slots: the first and second moments. */
    static final class Adam extends Optimiser {
        private static final float BETA1 = 0.9f;
        private static final float BETA2 = 0.999f;

        Adam(LearningSettings settings, List<Parameter> parameters) {
            super(settings, parameters, 2);
        }

        @Override
        protected boolean zeroGradientIsNoOp() {
            return false;
        }

        @Override
        protected double learningRate(long step) {
            return settings.learningRate() * Math.sqrt(1 - Math.pow(BETA2, step)) / (1 - Math.pow(BETA1, step));
        }

        @Override
        protected boolean sweep(float[] values, float[] gradients, float decay, float gradientScale, float rate,
                float[][] state, float[][] next, int from, int to) {
            float[] mean = state[0];
            float[] square = state[1];
            float[] nextMean = next[0];
            float[] nextSquare = next[1];
            float nonFinite = 0f;
            for (int i = from; i < to; i++) {
                float value = values[i];
                float g = flushNegligible((gradients[i] + decay * value) * gradientScale);
                float first = BETA1 * mean[i] + (1 - BETA1) * g;
                float second = BETA2 * square[i] + (1 - BETA2) * g * g;
                float updated = value - rate * first / ((float) Math.sqrt(second) + EPSILON);
                values[i] = updated;
                nextMean[i] = first;
                nextSquare[i] = second;
                nonFinite += (updated - updated) + (first - first) + (second - second);
            }
            return nonFinite == 0f;
        }
    }
}
