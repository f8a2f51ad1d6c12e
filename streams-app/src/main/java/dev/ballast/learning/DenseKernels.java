package dev.ballast.learning;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The three matrix products of a dense layer in plain Java, for products too small to be worth a native call:
 * ND4J spends about 30 microseconds per {@code gemm} call on creating the op, its argument pointers and its
 * context, more than the arithmetic of a 32 x 30 x 10 product takes in Java. Operands are row-major: the weights
 * as their heap mirror ({@link Parameter#heapValues}), the others as NIO views of native buffers, each copied
 * to a heap array once (a bulk copy), so the loops run over plain arrays, which the JIT vectorises. The results
 * agree with the native {@code gemm} up to float rounding (the sums are taken in another order).
 */
final class DenseKernels {

    /**
     * Products of at most this many multiply-adds run in Java. Measured per optimiser step (predict and learn,
     * three products; a scratch harness forcing each path with {@code javaKernelLimit}) on the 2-core machine of
     * docs/benchmarks.md: 1 x 30 x 10 takes 6 us in Java against 93 us
     * native, 32 x 30 x 10 (9,600) 71 against 149, 1 x 1000 x 100 (100,000) 646 against 699, 256 x 30 x 10
     * (76,800) 514 against 280: the native call's fixed cost is worth paying from a few tens of thousands.
     */
    static final long JAVA_MAX_MULTIPLY_ADDS = 1L << 15;

    private float[] left = new float[0];
    private float[] right = new float[0];
    private float[] product = new float[0];

    static boolean inJava(long rows, long inner, long columns, long limit) {
        return rows * inner * columns <= limit;
    }

    /** {@code out[rows x n] = a[rows x k] . w[k x n]}. */
    void multiply(FloatBuffer a, float[] w, FloatBuffer out, int rows, int k, int n) {
        float[] x = left = atLeast(left, rows * k);
        float[] z = product = atLeast(product, rows * n);
        a.get(0, x, 0, rows * k);
        Arrays.fill(z, 0, rows * n, 0f);
        int row = 0;
        // Two rows at a time: each weight read serves both (a third faster for the default 32 x 30 x 10).
        for (; row + 1 < rows; row += 2) {
            int z0 = row * n;
            int z1 = z0 + n;
            int x0 = row * k;
            int x1 = x0 + k;
            for (int j = 0; j < k; j++) {
                float value0 = x[x0 + j];
                float value1 = x[x1 + j];
                int wRow = j * n;
                for (int unit = 0; unit < n; unit++) {
                    float weight = w[wRow + unit];
                    z[z0 + unit] += value0 * weight;
                    z[z1 + unit] += value1 * weight;
                }
            }
        }
        for (; row < rows; row++) {
            for (int j = 0; j < k; j++) {
                addScaled(z, row * n, x[row * k + j], w, j * n, n);
            }
        }
        out.put(0, z, 0, rows * n);
    }

    /** {@code out[k x n] = a[rows x k]^T . u[rows x n]}: the weight gradient of a layer. */
    void multiplyTransposedLeft(FloatBuffer a, FloatBuffer u, FloatBuffer out, int rows, int k, int n) {
        float[] x = left = atLeast(left, rows * k);
        float[] g = right = atLeast(right, rows * n);
        float[] z = product = atLeast(product, k * n);
        a.get(0, x, 0, rows * k);
        u.get(0, g, 0, rows * n);
        Arrays.fill(z, 0, k * n, 0f);
        int row = 0;
        for (; row + 1 < rows; row += 2) {
            int x0 = row * k;
            int x1 = x0 + k;
            int g0 = row * n;
            int g1 = g0 + n;
            for (int j = 0; j < k; j++) {
                float value0 = x[x0 + j];
                float value1 = x[x1 + j];
                int zRow = j * n;
                for (int unit = 0; unit < n; unit++) {
                    z[zRow + unit] += value0 * g[g0 + unit] + value1 * g[g1 + unit];
                }
            }
        }
        for (; row < rows; row++) {
            for (int j = 0; j < k; j++) {
                addScaled(z, j * n, x[row * k + j], g, row * n, n);
            }
        }
        out.put(0, z, 0, k * n);
    }

    /** {@code out[rows x k] = u[rows x n] . w[k x n]^T}: the gradient flowing back to a layer's input. */
    void multiplyTransposedRight(FloatBuffer u, float[] w, FloatBuffer out, int rows, int k, int n) {
        float[] g = left = atLeast(left, rows * n);
        float[] z = product = atLeast(product, rows * k);
        u.get(0, g, 0, rows * n);
        for (int row = 0; row < rows; row++) {
            int gRow = row * n;
            for (int j = 0; j < k; j++) {
                int wRow = j * n;
                float sum = 0f;
                for (int unit = 0; unit < n; unit++) {
                    sum += g[gRow + unit] * w[wRow + unit];
                }
                z[row * k + j] = sum;
            }
        }
        out.put(0, z, 0, rows * k);
    }

    /** {@code target[targetOffset + i] += scale * source[sourceOffset + i]} for i in [0, length): the odd row. */
    private static void addScaled(float[] target, int targetOffset, float scale, float[] source, int sourceOffset,
            int length) {
        for (int i = 0; i < length; i++) {
            target[targetOffset + i] += scale * source[sourceOffset + i];
        }
    }

    /** {@code array} if it holds at least {@code length} floats, else a new array that does (scratch space). */
    static float[] atLeast(float[] array, int length) {
        return array.length >= length ? array : new float[length];
    }
}
