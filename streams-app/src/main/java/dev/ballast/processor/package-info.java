/**
 * The training processor and what it owns: validation of incoming events, one {@link
 * dev.ballast.training.OnlineTrainer} per model id kept exactly-once in a changelogged store ({@link
 * dev.ballast.processor.ModelStore}: saves, the journal and the ranges of the events topic a restore reads back), and
 * the punctuators that publish model snapshots, training metrics and imbalance alerts. Records it cannot use become
 * dead letters with a reason.
 */
package dev.ballast.processor;
