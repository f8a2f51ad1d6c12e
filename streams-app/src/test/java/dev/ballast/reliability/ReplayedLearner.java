package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import dev.ballast.config.BallastConfig;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.Example;
import dev.ballast.io.Features;
import dev.ballast.schema.LabelState;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.training.OnlineTrainer;
import dev.ballast.weighting.DecayedLabelStatistics;
import java.util.List;

/**
 * The learner alone, fed the valid events a test published in the order it published them: what the app's state
 * must equal when every event was trained exactly once, in order.
 */
final class ReplayedLearner {

    private ReplayedLearner() {
    }

    /** Trains a fresh trainer, configured as {@code config}'s default model, on the first {@code events} of the stream. */
    static OnlineTrainer replay(BallastConfig config, long events) {
        List<String> labels = config.getList(BallastConfig.MODEL_LABELS);
        OnlineTrainer trainer = OnlineTrainer.create(config.trainerSettings(),
                config.getInt(BallastConfig.MODEL_FEATURES), labels);
        try (DriftingStream stream = new DriftingStream(TestApps.STREAM, events)) {
            while (stream.hasNext()) {
                Example example = stream.next();
                float[] targets = new float[labels.size()];
                for (int label : example.positiveLabels()) {
                    targets[label] = 1f;
                }
                trainer.addDense(((Features.Dense) example.features()).values(), targets, example.importance());
            }
        }
        trainer.trainPending();
        return trainer;
    }

    /**
     * The largest relative difference between the snapshot's decayed label counts and the replayed trainer's.
     */
    static double largestRelativeDifference(ModelSnapshot snapshot, OnlineTrainer replayed) {
        DecayedLabelStatistics expected = replayed.labelStatistics();
        List<LabelState> actual = snapshot.getLabels();
        double largest = 0;
        for (int label = 0; label < actual.size(); label++) {
            largest = Math.max(largest, relative(actual.get(label).getDecayedPositives(), expected.positives(label)));
            largest = Math.max(largest, relative(actual.get(label).getDecayedTotal(), expected.total(label)));
        }
        return largest;
    }

    private static double relative(double actual, double expected) {
        double scale = Math.max(Math.abs(expected), Double.MIN_NORMAL);
        return Math.abs(actual - expected) / scale;
    }
}
