/**
 * Prequential (predict-then-learn) evaluation of a multi-label model under class imbalance: decayed
 * confusion counts, precision, recall, F1 and a streaming PR-AUC per label and averaged
 * ({@link dev.ballast.evaluation.PrequentialMetrics}), and per-label decision thresholds tuned online on
 * each label's own past scores ({@link dev.ballast.evaluation.ThresholdTuner}). Drift detectors live in
 * {@code dev.ballast.evaluation.drift}. Plain Java: nothing here knows about Kafka or ND4J.
 */
package dev.ballast.evaluation;
