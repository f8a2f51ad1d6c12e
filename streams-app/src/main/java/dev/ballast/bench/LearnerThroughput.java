package dev.ballast.bench;

/**
 * What the learner alone sustained for one model shape and mini-batch size, each the fastest of the timed slices.
 *
 * @param eventsPerSecond    events per second of wall-clock time
 * @param eventsPerCpuSecond events per second of the feeding thread's CPU time, which does all the learner's work
 *                           (native threads are pinned to 1): on a shared machine it moves much less with the
 *                           neighbours than wall-clock time does
 */
public record LearnerThroughput(LearnerShape shape, int batch, double eventsPerSecond, double eventsPerCpuSecond) {
}
