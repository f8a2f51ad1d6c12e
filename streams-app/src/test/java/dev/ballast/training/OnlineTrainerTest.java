package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OnlineTrainerTest {

    private static final List<String> LABELS = List.of("a", "b");

    @Test
    void shouldLeaveNonFinitePredictionsOutOfTheMetricsWhenScoresOverflow() {
        TrainerSettings settings = new BallastConfig(Map.of(
                BallastConfig.MODEL_TYPE, "mlp",
                BallastConfig.MODEL_STANDARDIZE, "false",
                BallastConfig.BATCH_SIZE, "8")).trainerSettings();
        OnlineTrainer trainer = OnlineTrainer.create(settings, 4, LABELS);
        // Label "a" is x0 > x1 on tiny inputs, so the first layer's weights grow large with opposite signs.
        Random random = new Random(3);
        for (int event = 0; event < 1600; event++) {
            float x0 = (float) random.nextGaussian() * 1e-3f;
            float x1 = (float) random.nextGaussian() * 1e-3f;
            trainer.addDense(new float[] {x0, x1, 0f, 0f}, new float[] {x0 > x1 ? 1f : 0f, x0 > 0 ? 1f : 0f}, 1f);
        }
        assertEquals(1600, trainer.metrics().events());
        // Finite inputs at the edge of float range: hidden units overflow to +Inf, and +Inf and -Inf contributions
        // meet in the output layer as NaN. Before this guard, the NaN reached the histograms and killed the thread.
        List<BatchOutcome> outcomes = new ArrayList<>();
        for (int event = 0; event < 8; event++) {
            BatchOutcome outcome = trainer.addDense(new float[] {3e38f, 3e38f, 0f, 0f}, new float[] {1f, 0f}, 1f);
            if (outcome != null) {
                outcomes.add(outcome);
            }
        }
        assertEquals(1, outcomes.size());
        assertFalse(outcomes.get(0).scored(), "overflowing scores are not scored");
        assertEquals(1608, trainer.eventsTrained(), "every event still counts");
        assertEquals(1600, trainer.metrics().events(), "only scored batches reach the metrics");
        assertTrue(Double.isFinite(trainer.metrics().macroF1()));
        feed(trainer, new Random(4), 8);
        assertEquals(1608, trainer.metrics().events(), "the next ordinary batch is scored again");
    }

    @Test
    void shouldRestoreAndContinueIdenticallyFromItsState() throws Exception {
        TrainerSettings settings = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "8")).trainerSettings();
        OnlineTrainer original = OnlineTrainer.create(settings, 4, LABELS);
        Random random = new Random(5);
        feed(original, random, 29);
        OnlineTrainer restored = OnlineTrainer.fromSaved(SavedTrainers.saved(original), settings, 4, LABELS,
                notice -> { });
        assertEquals(LABELS, restored.labelNames());
        assertEquals(original.pendingEvents(), restored.pendingEvents());
        long seed = random.nextLong();
        feed(original, new Random(seed), 40);
        feed(restored, new Random(seed), 40);
        assertEquals(SavedTrainers.saved(original), SavedTrainers.saved(restored), "same state after the same events");
        assertFalse(original.eventsTrained() == 0);
    }

    private static void feed(OnlineTrainer trainer, Random random, int events) {
        for (int event = 0; event < events; event++) {
            float[] features = new float[4];
            for (int i = 0; i < features.length; i++) {
                features[i] = (float) random.nextGaussian();
            }
            trainer.addDense(features, new float[] {features[0] > 0 ? 1 : 0, features[1] > 1.5f ? 1 : 0}, 1f);
        }
    }
}
