package dev.ballast.learning;

/**
 * A named, row-major float32 tensor: a copy of part of a model's state, safe to keep.
 *
 * @param name  "W", "b" (linear), "W1", "b1", "W2", "b2" (MLP), "featureMean", "featureScale", "featureClip", "sparseClip" (standardisation)
 * @param shape dimensions, row-major
 * @param data  product(shape) values
 */
public record ParameterTensor(String name, int[] shape, float[] data) {
}
