/**
 * The learning core of Ballast: mini-batch buffers, multi-label models (linear and one-hidden-layer MLP),
 * the weighted binary cross-entropy objective, optimisers and online feature standardisation, on ND4J
 * in float32. Nothing here knows about Kafka; the processor drives it through {@link
 * dev.ballast.learning.MultiLabelModel} and {@link dev.ballast.learning.MiniBatch}.
 */
package dev.ballast.learning;
