package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.learning.ParameterTensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Logit adjustment by the decayed label priors, in the loss and in scoring. */
class LogitAdjustmentTest {

    private static final List<String> LABELS = List.of("rare");
    private static final double PREVALENCE = 0.1;

    /** A label drawn at 10% regardless of the features: the best scorer is the prior alone. */
    private static OnlineTrainer trainOnFeaturelessLabel(String train, String score) {
        TrainerSettings settings = new BallastConfig(Map.of(
                BallastConfig.WEIGHTING_POLICY, "none",
                BallastConfig.LOGIT_ADJUSTMENT_TRAIN, train,
                BallastConfig.LOGIT_ADJUSTMENT_SCORE, score)).trainerSettings();
        OnlineTrainer trainer = OnlineTrainer.create(settings, 3, LABELS);
        Random random = new Random(5);
        for (int event = 0; event < 20_000; event++) {
            float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian()};
            trainer.addDense(x, new float[] {random.nextDouble() < PREVALENCE ? 1f : 0f}, 1f);
        }
        return trainer;
    }

    private static float tensor(List<ParameterTensor> tensors, String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().data()[0];
    }

    private static double priorLogOdds(OnlineTrainer trainer) {
        double prior = (trainer.labelStatistics().positives(0) + 1) / (trainer.labelStatistics().total(0) + 2);
        return Math.log(prior / (1 - prior));
    }

    @Test
    void shouldLearnThePriorIntoTheBiasWithoutAdjustment() {
        OnlineTrainer trainer = trainOnFeaturelessLabel("0", "0");
        float bias = tensor(trainer.model().parameters(), "b");
        assertEquals(Math.log(PREVALENCE / (1 - PREVALENCE)), bias, 0.3);
        assertArrayEquals(trainer.model().parameters().get(1).data(), trainer.servingParameters().get(1).data());
    }

    @Test
    void shouldLeaveThePriorOutOfTheBiasWhenTheLossIsAdjusted() {
        OnlineTrainer trainer = trainOnFeaturelessLabel("1", "0");
        // The loss sees bias + log-odds(prior): the bias learns only what the prior does not explain, here nothing.
        assertEquals(0, tensor(trainer.model().parameters(), "b"), 0.3);
    }

    @Test
    void shouldServeTheBiasPlusTheScoreAdjustmentTheTrainerScoresWith() {
        OnlineTrainer trainer = trainOnFeaturelessLabel("1", "1");
        float bias = tensor(trainer.model().parameters(), "b");
        float served = tensor(trainer.servingParameters(), "b");
        assertEquals(bias + priorLogOdds(trainer), served, 1e-5);
        assertEquals(Math.log(PREVALENCE / (1 - PREVALENCE)), served, 0.3);
        assertTrue(Math.abs(bias) < 0.3, "bias " + bias);
    }
}
