package dev.ballast.bench;

/**
 * Event-to-snapshot latency: per event, the time from handing it to the producer to the moment a read_committed
 * consumer of the model-update topic sees the first snapshot whose {@code eventsTrained} covers it.
 *
 * @param events          events measured
 * @param eventsPerSecond the steady rate they were produced at
 * @param p50Ms           median latency
 * @param p99Ms           99th percentile
 * @param maxMs           the slowest event
 */
public record SnapshotLatency(long events, double eventsPerSecond, double p50Ms, double p99Ms, double maxMs) {
}
