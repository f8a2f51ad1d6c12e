package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.evaluation.drift.ImbalanceSignal;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The trainer's reaction to a prevalence shift the detector found: its priors and thresholds follow at once. */
class ShiftAdaptationTest {

    private static final List<String> LABELS = List.of("moving", "steady");
    private static final int BEFORE = 10_000;
    private static final int AFTER = 12_000;

    @Test
    void shouldReachAFallenPrevalenceInFewerEventsWhenTheShiftShortensTheMemory() {
        int adapted = eventsToReach(100, 0.30, 0.03);
        int plain = eventsToReach(0, 0.30, 0.03);
        assertTrue(plain > 4_000, "a 1,500-event half-life takes thousands of events: " + plain);
        assertTrue(adapted < plain / 4, "adapted " + adapted + " against " + plain);
    }

    @Test
    void shouldReachARisenPrevalenceInFewerEventsWhenTheShiftShortensTheMemory() {
        int adapted = eventsToReach(100, 0.02, 0.20);
        int plain = eventsToReach(0, 0.02, 0.20);
        assertTrue(adapted < plain / 4, "adapted " + adapted + " against " + plain);
    }

    @Test
    void shouldLeaveALabelThatDidNotShiftAsItWas() {
        OnlineTrainer adapted = trainer(100);
        OnlineTrainer plain = trainer(0);
        run(adapted, 0.30, 0.03, BEFORE + 2_000);
        run(plain, 0.30, 0.03, BEFORE + 2_000);
        assertEquals(plain.labelStatistics().total(1), adapted.labelStatistics().total(1), 1e-9);
        assertEquals(plain.labelStatistics().positives(1), adapted.labelStatistics().positives(1), 1e-9);
    }

    /** Events after the step until the moving label's decayed prevalence is within 25% of its new level. */
    private static int eventsToReach(double memoryEvents, double before, double after) {
        OnlineTrainer trainer = trainer(memoryEvents);
        Random random = new Random(11);
        int events = 0;
        boolean shiftSignalled = false;
        while (events < BEFORE + AFTER) {
            double prevalence = events < BEFORE ? before : after;
            BatchOutcome outcome = trainer.addDense(features(random),
                    new float[] {random.nextDouble() < prevalence ? 1f : 0f, random.nextDouble() < 0.1 ? 1f : 0f}, 1f);
            events++;
            if (outcome != null) {
                shiftSignalled |= events > BEFORE && outcome.signals().stream()
                        .anyMatch(signal -> signal.label() == 0 && signal.kind() == ImbalanceSignal.Kind.PREVALENCE_SHIFT);
                if (events > BEFORE && Math.abs(trainer.labelStatistics().prevalence(0) - after) < 0.25 * after) {
                    assertTrue(shiftSignalled || memoryEvents == 0, "the detector saw the shift first");
                    return events - BEFORE;
                }
            }
        }
        return AFTER;
    }

    private static void run(OnlineTrainer trainer, double before, double after, int events) {
        Random random = new Random(11);
        for (int event = 0; event < events; event++) {
            double prevalence = event < BEFORE ? before : after;
            trainer.addDense(features(random),
                    new float[] {random.nextDouble() < prevalence ? 1f : 0f, random.nextDouble() < 0.1 ? 1f : 0f}, 1f);
        }
    }

    private static OnlineTrainer trainer(double memoryEvents) {
        TrainerSettings settings = new BallastConfig(Map.of(BallastConfig.DRIFT_SHIFT_MEMORY,
                Double.toString(memoryEvents))).trainerSettings();
        return OnlineTrainer.create(settings, 3, LABELS);
    }

    private static float[] features(Random random) {
        return new float[] {(float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian()};
    }
}
