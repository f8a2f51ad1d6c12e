/**
 * Per-label class weights from drifting label statistics: exponentially decayed counts of positives and
 * events per label ({@link dev.ballast.weighting.DecayedLabelStatistics}) and the policies that turn them
 * into positive and negative weights for weighted binary cross-entropy
 * ({@link dev.ballast.weighting.WeightPolicy}). Plain Java: nothing here knows about Kafka or ND4J.
 */
package dev.ballast.weighting;
