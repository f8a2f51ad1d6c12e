package dev.ballast.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code ballast bench} runs, and for how long.
 *
 * @param events              events both Kafka Streams apps process (rounded up to whole snapshot intervals)
 * @param learnerShapes       model shapes of the learner-alone runs
 * @param learnerBatches      mini-batch sizes of the learner-alone runs
 * @param learnerWarmUp       untimed training before each learner-alone measurement
 * @param learnerTimed        timed training per shape and batch size
 * @param footprintShape      the model whose heap and resident set are measured after {@code learnerWarmUp}
 * @param liveEventsPerSecond rate of the events whose snapshot latency is measured
 * @param liveDuration        how long they are produced (the timed events are {@code rate x duration})
 * @param jfrRecording        where to write a Java Flight Recording of the training app's timed window; null for none
 * @param rounds              how many times both apps run, one after the other, over the events; the figures are
 *                            the last round's, the rounds before warm the JIT up (a freshly started JVM compiles
 *                            Kafka, Kafka Streams and Avro code for the first minute, on one of the two cores)
 */
public record BenchSettings(long events, List<LearnerShape> learnerShapes, List<Integer> learnerBatches,
        Duration learnerWarmUp, Duration learnerTimed, LearnerShape footprintShape, double liveEventsPerSecond,
        Duration liveDuration, Path jfrRecording, int rounds) {

    public BenchSettings {
        learnerShapes = List.copyOf(learnerShapes);
        learnerBatches = List.copyOf(learnerBatches);
        if (events < 1 || !(liveEventsPerSecond > 0) || liveDuration.isNegative() || liveDuration.isZero()) {
            throw new IllegalArgumentException("events, the live rate and the live duration must be positive");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
        }
    }

    /**
     * The full run: two rounds of 1,000,000 events through each app, 2 s per learner measurement, 30 s of live
     * events.
     */
    public static BenchSettings standard() {
        return new BenchSettings(1_000_000, LearnerShape.standard(), List.of(1, 32, 256), Duration.ofSeconds(1),
                Duration.ofSeconds(2), LearnerShape.dense(1000, 100), 2_000, Duration.ofSeconds(30), null, 2);
    }

    /**
     * Fits in a minute on two cores: one round of 32,000 events per app, 0.6 s per learner measurement, 6 s of
     * live events. The JIT is still warming up: the Kafka figures are lower than the full run's.
     */
    public static BenchSettings quick() {
        return new BenchSettings(32_000, LearnerShape.standard(), List.of(1, 32, 256), Duration.ofMillis(300),
                Duration.ofMillis(600), LearnerShape.dense(1000, 100), 2_000, Duration.ofSeconds(6), null, 1);
    }

    public BenchSettings withEvents(long newEvents) {
        return new BenchSettings(newEvents, learnerShapes, learnerBatches, learnerWarmUp, learnerTimed, footprintShape,
                liveEventsPerSecond, liveDuration, jfrRecording, rounds);
    }

    public BenchSettings withJfrRecording(Path file) {
        return new BenchSettings(events, learnerShapes, learnerBatches, learnerWarmUp, learnerTimed, footprintShape,
                liveEventsPerSecond, liveDuration, file, rounds);
    }

    public BenchSettings withRounds(int newRounds) {
        return new BenchSettings(events, learnerShapes, learnerBatches, learnerWarmUp, learnerTimed, footprintShape,
                liveEventsPerSecond, liveDuration, jfrRecording, newRounds);
    }
}
