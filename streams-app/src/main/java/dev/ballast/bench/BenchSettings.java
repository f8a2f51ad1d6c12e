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
 */
public record BenchSettings(long events, List<LearnerShape> learnerShapes, List<Integer> learnerBatches,
        Duration learnerWarmUp, Duration learnerTimed, LearnerShape footprintShape, double liveEventsPerSecond,
        Duration liveDuration, Path jfrRecording) {

    public BenchSettings {
        learnerShapes = List.copyOf(learnerShapes);
        learnerBatches = List.copyOf(learnerBatches);
        if (events < 1 || !(liveEventsPerSecond > 0) || liveDuration.isNegative() || liveDuration.isZero()) {
            throw new IllegalArgumentException("events, the live rate and the live duration must be positive");
        }
    }

    /** The full run: 400,000 events through each app, 2 s per learner measurement, 30 s of live events. */
    public static BenchSettings standard() {
        return new BenchSettings(400_000, LearnerShape.standard(), List.of(1, 32, 256), Duration.ofSeconds(1),
                Duration.ofSeconds(2), LearnerShape.dense(1000, 100), 2_000, Duration.ofSeconds(30), null);
    }

    /** Fits in a minute on two cores: 32,000 events per app, 0.6 s per learner measurement, 6 s of live events. */
    public static BenchSettings quick() {
        return new BenchSettings(32_000, LearnerShape.standard(), List.of(1, 32, 256), Duration.ofMillis(300),
                Duration.ofMillis(600), LearnerShape.dense(1000, 100), 2_000, Duration.ofSeconds(6), null);
    }

    public BenchSettings withEvents(long newEvents) {
        return new BenchSettings(newEvents, learnerShapes, learnerBatches, learnerWarmUp, learnerTimed, footprintShape,
                liveEventsPerSecond, liveDuration, jfrRecording);
    }

    public BenchSettings withJfrRecording(Path file) {
        return new BenchSettings(events, learnerShapes, learnerBatches, learnerWarmUp, learnerTimed, footprintShape,
                liveEventsPerSecond, liveDuration, file);
    }
}
