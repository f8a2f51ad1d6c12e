/**
 * One model's online training loop, without Kafka: each mini-batch is first predicted and decided with the
 * thresholds in force (the prequential test), scored into the metrics, the threshold tuner and the drift
 * detectors, then its labels update the decayed label counts, the counts give the class weights, and the model
 * takes one optimiser step. {@code ballast evaluate} runs it over a file; the stream processor runs it per model
 * id and keeps its whole state in a changelogged store.
 */
package dev.ballast.training;
