package dev.ballast.bench;

/** Events per second the learner alone sustained for one model shape and mini-batch size (fastest timed slice). */
public record LearnerThroughput(LearnerShape shape, int batch, double eventsPerSecond) {
}
