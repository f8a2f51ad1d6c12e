package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Late-labelled rows are tested on the probabilities they were served, not on a re-prediction. */
class ServedScoresTest {

    private static final List<String> LABELS = List.of("a", "b");
    private static final TrainerSettings SETTINGS = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "8",
            BallastConfig.THRESHOLD_POLICY, "fixed")).trainerSettings();

    @Test
    void shouldScoreTheMetricsOfServedRowsOnWhatWasServed() {
        OnlineTrainer servedPerfectly = OnlineTrainer.create(SETTINGS, 3, LABELS);
        OnlineTrainer rePredicted = OnlineTrainer.create(SETTINGS, 3, LABELS);
        Random random = new Random(3);
        for (int i = 0; i < 64; i++) {
            float[] features = {(float) random.nextGaussian(), (float) random.nextGaussian(), 1f};
            float[] targets = {features[0] > 0 ? 1f : 0f, features[1] > 1 ? 1f : 0f};
            float[] served = {targets[0] * 0.98f + 0.01f, targets[1] * 0.98f + 0.01f};
            servedPerfectly.addDense(features, targets, 1f, served);
            rePredicted.addDense(features, targets, 1f);
        }

        assertEquals(1.0, servedPerfectly.metrics().macroF1(), 1e-9, "served scores that were all right");
        assertTrue(rePredicted.metrics().macroF1() < 0.99, "the model itself is far from perfect");
    }

    @Test
    void shouldKeepTheServedScoresOfPendingRowsAcrossASave() throws IOException {
        OnlineTrainer uninterrupted = OnlineTrainer.create(SETTINGS, 3, LABELS);
        OnlineTrainer saved = OnlineTrainer.create(SETTINGS, 3, LABELS);
        Random random = new Random(5);
        for (int i = 0; i < 20; i++) {
            float[] features = {(float) random.nextGaussian(), (float) random.nextGaussian(), 1f};
            float[] targets = {features[0] > 0 ? 1f : 0f, 0f};
            float[] served = i % 2 == 0 ? new float[] {targets[0], 0.3f} : null;
            uninterrupted.addDense(features, targets, 1f, served);
            saved.addDense(features, targets, 1f, served);
            if (i == 18) {
                saved = roundTrip(saved);
            }
        }
        uninterrupted.trainPending();
        saved.trainPending();

        assertEquals(uninterrupted.metrics().macroF1(), saved.metrics().macroF1(), 0.0);
        assertEquals(uninterrupted.metrics().label(0).auprc(), saved.metrics().label(0).auprc(), 0.0);
    }

    /** Through the record the processor saves in its store. */
    private static OnlineTrainer roundTrip(OnlineTrainer trainer) throws IOException {
        return OnlineTrainer.fromSaved(SavedTrainers.saved(trainer), SETTINGS, 3, LABELS, notice -> { });
    }
}
