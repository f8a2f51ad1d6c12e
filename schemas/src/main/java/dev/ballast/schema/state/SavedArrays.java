package dev.ballast.schema.state;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between the primitive arrays a state owner keeps and the fields of its saved-state record: Avro
 * arrays for per-label and per-feature statistics, and packed float32 tensors ({@code bytes}) for parameters and
 * optimiser state, which may hold millions of values that an Avro array would encode one boxed value at a time.
 */
public final class SavedArrays {

    private SavedArrays() {
    }

    public static List<Double> doubles(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double value : values) {
            list.add(value);
        }
        return list;
    }

    public static List<Float> floats(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float value : values) {
            list.add(value);
        }
        return list;
    }

    /**
     * Copies a saved array into {@code into}, whose length the owner knows from its shape.
     *
     * @throws IllegalArgumentException when the lengths differ
     */
    public static void copy(List<Double> saved, double[] into, String what) {
        requireLength(saved.size(), into.length, what);
        for (int i = 0; i < into.length; i++) {
            into[i] = saved.get(i);
        }
    }

    /** As {@link #copy(List, double[], String)}, for floats. */
    public static void copy(List<Float> saved, float[] into, String what) {
        requireLength(saved.size(), into.length, what);
        for (int i = 0; i < into.length; i++) {
            into[i] = saved.get(i);
        }
    }

    public static float[] toFloats(List<Float> saved) {
        float[] values = new float[saved.size()];
        copy(saved, values, "values");
        return values;
    }

    /** A tensor's values as float32 big-endian bytes (the {@code bytes} fields of the saved state). */
    public static ByteBuffer tensor(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
        bytes.asFloatBuffer().put(values);
        return bytes;
    }

    /**
     * Reads a tensor written by {@link #tensor} into {@code into}.
     *
     * @throws IllegalArgumentException when it holds another number of values
     */
    public static void copyTensor(ByteBuffer saved, float[] into, String what) {
        requireLength(saved.remaining() / Float.BYTES, into.length, what);
        saved.duplicate().asFloatBuffer().get(into);
    }

    private static void requireLength(int saved, int expected, String what) {
        if (saved != expected) {
            throw new IllegalArgumentException("saved " + what + " holds " + saved + " values, expected " + expected);
        }
    }
}
