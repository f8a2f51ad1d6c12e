/**
 * Labelled multi-label examples outside Kafka: streaming readers and writers of data files (MEKA ARFF,
 * CSV, JSONL) and a synthetic stream whose label prevalences drift on a known schedule.
 *
 * <p>Everything here is plain Java with constant memory per example: files are read line by line,
 * never loaded whole (the one exception, {@link dev.ballast.io.ExampleSources#shuffled}, says so).
 * Readers reject malformed files with a {@link dev.ballast.io.DatasetFormatException} naming the
 * file and line, but pass non-finite feature values and unusual importances through untouched: judging
 * those is the service's job, which dead-letters them with a reason.
 */
package dev.ballast.io;
