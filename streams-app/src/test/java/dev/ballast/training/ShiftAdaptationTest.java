package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.evaluation.drift.ShiftDetectorSettings;
import dev.ballast.schema.state.SavedModelState;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The trainer's reaction to a prevalence shift the shift detector found: its priors and thresholds follow at once. */
class ShiftAdaptationTest {

    private static final List<String> LABELS = List.of("moving", "steady");
    private static final int BEFORE = 10_000;
    private static final int AFTER = 12_000;

    @ParameterizedTest
    @ValueSource(strings = {"cusum", "page-hinkley"})
    void shouldReachAFallenPrevalenceInFewerEventsWhenTheShiftShortensTheMemory(String detector) {
        int adapted = eventsToReach(trainer(100, detector), 0.30, 0.03);
        int plain = eventsToReach(trainer(0, detector), 0.30, 0.03);
        assertTrue(plain > 4_000, "a 1,500-event half-life takes thousands of events: " + plain);
        assertTrue(adapted < plain / 4, "adapted " + adapted + " against " + plain);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cusum", "page-hinkley"})
    void shouldReachARisenPrevalenceInFewerEventsWhenTheShiftShortensTheMemory(String detector) {
        int adapted = eventsToReach(trainer(100, detector), 0.02, 0.20);
        int plain = eventsToReach(trainer(0, detector), 0.02, 0.20);
        assertTrue(adapted < plain / 4, "adapted " + adapted + " against " + plain);
    }

    @ParameterizedTest
    @CsvSource({"0.30, 0.03", "0.05, 0.005", "0.02, 0.20"})
    void shouldCutTheMemorySoonerWithTheCusumThanWithTheAlertsDetector(double before, double after) {
        int cusum = eventsToCut(trainer(100, "cusum"), before, after);
        int pageHinkley = eventsToCut(trainer(100, "page-hinkley"), before, after);
        assertTrue(cusum < pageHinkley, "cusum " + cusum + " against page-hinkley " + pageHinkley);
    }

    /** Events after the step until the moving label's counts are cut. */
    private static int eventsToCut(OnlineTrainer trainer, double before, double after) {
        Random random = new Random(11);
        double lastTotal = 0;
        for (int events = 1; events <= BEFORE + AFTER; events++) {
            double prevalence = events <= BEFORE ? before : after;
            BatchOutcome outcome = trainer.addDense(features(random),
                    new float[] {random.nextDouble() < prevalence ? 1f : 0f, random.nextDouble() < 0.1 ? 1f : 0f}, 1f);
            if (outcome != null) {
                double total = trainer.labelStatistics().total(0);
                if (total < lastTotal) {
                    assertTrue(events > BEFORE, "a cut before the step, at event " + events);
                    return events - BEFORE;
                }
                lastTotal = total;
            }
        }
        return AFTER;
    }

    @Test
    void shouldCutTheMemoryOnTheCusumEvenWithTheAlertDetectorsOff() {
        OnlineTrainer trainer = OnlineTrainer.create(new BallastConfig(Map.of(BallastConfig.DRIFT_ENABLED, "false"))
                .trainerSettings(), 3, LABELS);
        assertTrue(eventsToReach(trainer, 0.30, 0.03) < 1_000);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.005, 0.05, 0.3})
    void shouldNotCutTheMemoryOfAStationaryLabel(double prevalence) {
        OnlineTrainer trainer = trainer(100, "cusum");
        Random random = new Random(12);
        double lastTotal = 0;
        for (int event = 0; event < 100_000; event++) {
            BatchOutcome outcome = trainer.addDense(features(random), new float[] {
                    random.nextDouble() < prevalence ? 1f : 0f, random.nextDouble() < 0.1 ? 1f : 0f}, 1f);
            if (outcome != null) {
                double total = trainer.labelStatistics().total(0) + trainer.labelStatistics().total(1);
                assertTrue(total >= lastTotal, "a cut at event " + event);
                lastTotal = total;
            }
        }
    }

    @Test
    void shouldLeaveALabelThatDidNotShiftAsItWas() {
        OnlineTrainer adapted = trainer(100, "cusum");
        OnlineTrainer plain = trainer(0, "cusum");
        run(adapted, 0.30, 0.03, BEFORE + 2_000);
        run(plain, 0.30, 0.03, BEFORE + 2_000);
        assertEquals(plain.labelStatistics().total(1), adapted.labelStatistics().total(1), 1e-9);
        assertEquals(plain.labelStatistics().positives(1), adapted.labelStatistics().positives(1), 1e-9);
    }

    @Test
    void shouldCutAtTheSameEventAfterARestoreAndStartTheDetectorAfreshFromAStateWithoutIt() throws IOException {
        OnlineTrainer original = trainer(100, "cusum");
        run(original, 0.30, 0.30, BEFORE);
        SavedModelState saved = SavedTrainers.saved(original);
        assertNotNull(saved.getShiftDetector(), "the detector is part of the saved state");
        OnlineTrainer restored = OnlineTrainer.fromSaved(saved, original.settings(), 3, LABELS, notice -> { });
        OnlineTrainer olderFormat = OnlineTrainer.fromSaved(SavedModelState.newBuilder(saved).setShiftDetector(null)
                .build(), original.settings(), 3, LABELS, notice -> { });
        assertEquals(ShiftDetectorSettings.defaults().newCusum(LABELS.size()).toSaved(),
                SavedTrainers.saved(olderFormat).getShiftDetector(), "a state saved without it starts it afresh");
        int cut = eventsToReach(original, 0.30, 0.03, 0);
        assertEquals(cut, eventsToReach(restored, 0.30, 0.03, 0));
        assertEquals(SavedTrainers.saved(original), SavedTrainers.saved(restored));
    }

    /** Events after the step until the moving label's decayed prevalence is within 25% of its new level. */
    private static int eventsToReach(OnlineTrainer trainer, double before, double after) {
        return eventsToReach(trainer, before, after, BEFORE);
    }

    private static int eventsToReach(OnlineTrainer trainer, double before, double after, int eventsBefore) {
        Random random = new Random(11);
        int events = 0;
        boolean cut = false;
        double lastTotal = 0;
        while (events < eventsBefore + AFTER) {
            double prevalence = events < eventsBefore ? before : after;
            BatchOutcome outcome = trainer.addDense(features(random),
                    new float[] {random.nextDouble() < prevalence ? 1f : 0f, random.nextDouble() < 0.1 ? 1f : 0f}, 1f);
            events++;
            if (outcome != null) {
                double total = trainer.labelStatistics().total(0);
                cut |= events > eventsBefore && total < lastTotal;
                lastTotal = total;
                if (events > eventsBefore && Math.abs(trainer.labelStatistics().prevalence(0) - after) < 0.25 * after) {
                    assertTrue(cut || trainer.settings().shiftMemoryEvents() == 0, "the detector saw the shift first");
                    return events - eventsBefore;
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

    private static OnlineTrainer trainer(double memoryEvents, String detector) {
        TrainerSettings settings = new BallastConfig(Map.of(BallastConfig.DRIFT_SHIFT_MEMORY,
                Double.toString(memoryEvents), BallastConfig.DRIFT_SHIFT_DETECTOR, detector)).trainerSettings();
        return OnlineTrainer.create(settings, 3, LABELS);
    }

    private static float[] features(Random random) {
        return new float[] {(float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian()};
    }
}
