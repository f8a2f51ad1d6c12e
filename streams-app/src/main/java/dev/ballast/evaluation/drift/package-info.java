/**
 * Detectors of imbalance drift in a prequential stream: a label's prevalence shifting
 * ({@link dev.ballast.evaluation.drift.PageHinkleyDetector}), recall on the minority class dropping
 * ({@link dev.ballast.evaluation.drift.MinorityRecallDropDetector}) and a label collapsing to always-negative
 * predictions ({@link dev.ballast.evaluation.drift.CollapseDetector}), combined per model by
 * {@link dev.ballast.evaluation.drift.ImbalanceMonitor} for the alerts; and the more sensitive prevalence-shift
 * detector that cuts a label's memory in training ({@link dev.ballast.evaluation.drift.PrevalenceCusum}). Each
 * detector's state is serialisable and restores bit-exactly. Plain Java: nothing here knows about Kafka.
 */
package dev.ballast.evaluation.drift;
