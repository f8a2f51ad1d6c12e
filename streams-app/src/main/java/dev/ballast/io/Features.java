package dev.ballast.io;

import java.util.Arrays;

/**
 * The input vector of one example, dense or sparse. Both kinds compare by content.
 */
public sealed interface Features permits Features.Dense, Features.Sparse {

    /**
     * All feature values, in the source's declared feature order.
     *
     * @param values one value per feature; non-finite values are kept, not rejected
     */
    record Dense(float[] values) implements Features {
        public Dense {
            if (values == null) {
                throw new IllegalArgumentException("values must not be null");
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Dense dense && Arrays.equals(values, dense.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Dense" + Arrays.toString(values);
        }
    }

    /**
     * The listed features only; every feature not listed is zero.
     *
     * @param indices zero-based feature indices, strictly ascending
     * @param values  the value of each listed feature, same length as {@code indices}
     */
    record Sparse(int[] indices, float[] values) implements Features {
        public Sparse {
            if (indices == null || values == null) {
                throw new IllegalArgumentException("indices and values must not be null");
            }
            if (indices.length != values.length) {
                throw new IllegalArgumentException(
                        indices.length + " indices but " + values.length + " values");
            }
            for (int i = 0; i < indices.length; i++) {
                if (indices[i] < 0 || (i > 0 && indices[i] <= indices[i - 1])) {
                    throw new IllegalArgumentException(
                            "indices must be non-negative and strictly ascending: " + Arrays.toString(indices));
                }
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Sparse sparse
                    && Arrays.equals(indices, sparse.indices) && Arrays.equals(values, sparse.values);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Sparse{indices=" + Arrays.toString(indices) + ", values=" + Arrays.toString(values) + "}";
        }
    }
}
