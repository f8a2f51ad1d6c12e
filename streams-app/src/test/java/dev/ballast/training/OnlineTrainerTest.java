package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.learning.ParameterTensor;
import dev.ballast.schema.state.SavedModelState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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

    /** A young model's mini-batches hold the warm-up's size; from the warm-up's end on, the full batch size. */
    @Test
    void shouldTrainInWarmupBatchesUntilItHasTrainedOnTheWarmupEvents() throws Exception {
        TrainerSettings settings = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "32",
                BallastConfig.BATCH_WARMUP_EVENTS, "64", BallastConfig.BATCH_WARMUP_SIZE, "16")).trainerSettings();
        OnlineTrainer trainer = OnlineTrainer.create(settings, 4, LABELS);
        Random random = new Random(9);
        assertEquals(List.of(16L, 32L, 48L, 64L, 96L, 128L), batchEnds(trainer, random, 0, 130));
        // Restored in the middle of the warm-up (40 events in, 8 of them pending), it goes on where it was.
        OnlineTrainer young = OnlineTrainer.create(settings, 4, LABELS);
        batchEnds(young, random, 0, 40);
        OnlineTrainer restored = OnlineTrainer.fromSaved(SavedTrainers.saved(young), settings, 4, LABELS,
                notice -> { });
        assertEquals(List.of(48L, 64L, 96L), batchEnds(restored, random, 40, 100));

        // A warm-up that is not a whole number of batches runs on to the next one, its last batch cut short, so
        // that the full batches end where they would without it.
        TrainerSettings uneven = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "32",
                BallastConfig.BATCH_WARMUP_EVENTS, "40", BallastConfig.BATCH_WARMUP_SIZE, "12")).trainerSettings();
        assertEquals(List.of(12L, 24L, 36L, 48L, 60L, 64L, 96L),
                batchEnds(OnlineTrainer.create(uneven, 4, LABELS), random, 0, 100));

        TrainerSettings off = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "32",
                BallastConfig.BATCH_WARMUP_EVENTS, "0")).trainerSettings();
        assertEquals(List.of(32L, 64L), batchEnds(OnlineTrainer.create(off, 4, LABELS), random, 0, 70));
    }

    /**
     * A batch cut short (here by a flush, as the linger does; the warm-up's batches alike) scales its mean gradient by
     * its share of a full batch to the power {@code ballast.batch.short.exponent}: under plain SGD, 8 events flushed
     * from a trainer of batch size 32 move the weights as far as the same 8 events as a full batch of 8 at 0, half as
     * far at 0.5 and a quarter as far at 1.
     */
    @Test
    void shouldStepAShortBatchByItsShareOfAFullOneToTheConfiguredPower() throws Exception {
        Map<String, Double> expected = Map.of("0", 1.0, "0.5", 0.5, "1", 0.25);
        for (Map.Entry<String, Double> exponent : expected.entrySet()) {
            Map<String, String> sgd = Map.of(BallastConfig.OPTIMIZER, "sgd", BallastConfig.MOMENTUM, "0",
                    BallastConfig.BATCH_WARMUP_EVENTS, "0", BallastConfig.BATCH_SHORT_EXPONENT, exponent.getKey());
            OnlineTrainer full = OnlineTrainer.create(withBatchSize(sgd, 8), 4, LABELS);
            OnlineTrainer flushed = OnlineTrainer.create(withBatchSize(sgd, 32), 4, LABELS);
            float[] start = weights(full);
            assertArrayEquals(start, weights(flushed), 0f, "the same initial weights");
            feed(full, new Random(21), 8);
            feed(flushed, new Random(21), 8);
            assertEquals(8, full.eventsTrained(), "a full batch of 8 trained");
            assertEquals(8, flushed.pendingEvents());
            assertNotNull(flushed.trainPending());
            float[] fullMove = weights(full);
            float[] shortMove = weights(flushed);
            int moved = 0;
            double ratio = exponent.getValue();
            for (int i = 0; i < start.length; i++) {
                fullMove[i] -= start[i];
                shortMove[i] -= start[i];
                assertEquals(fullMove[i] * ratio, shortMove[i], 1e-7 + 1e-5 * Math.abs(fullMove[i]),
                        "exponent " + exponent.getKey() + ", weight " + i);
                moved += fullMove[i] != 0 ? 1 : 0;
            }
            assertTrue(moved > start.length / 2, "the step moved the weights");
        }
    }

    private static TrainerSettings withBatchSize(Map<String, String> settings, int batchSize) {
        Map<String, String> values = new HashMap<>(settings);
        values.put(BallastConfig.BATCH_SIZE, Integer.toString(batchSize));
        return new BallastConfig(values).trainerSettings();
    }

    /** The linear model's weight matrix, as served. */
    private static float[] weights(OnlineTrainer trainer) {
        return trainer.servingParameters().stream().filter(tensor -> tensor.name().equals("W")).findFirst()
                .orElseThrow().data().clone();
    }

    /** Feeds events {@code first + 1 .. last}; returns the event counts at which a mini-batch was trained. */
    private static List<Long> batchEnds(OnlineTrainer trainer, Random random, long first, long last) {
        List<Long> ends = new ArrayList<>();
        for (long event = first + 1; event <= last; event++) {
            float[] features = {(float) random.nextGaussian(), (float) random.nextGaussian(), 0f, 1f};
            if (trainer.addDense(features, new float[] {features[0] > 0 ? 1f : 0f, 0f}, 1f) != null) {
                ends.add(event);
                assertEquals(event, trainer.eventsTrained());
            }
        }
        return ends;
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

    @Test
    void shouldKeepTheLabelStageAndSampleAlikeWhenRestoredFromItsSavedState() throws Exception {
        TrainerSettings settings = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "8",
                BallastConfig.MODEL_LABEL_STACKING, "true",
                BallastConfig.NEGATIVE_SAMPLING_RATE, "0.5")).trainerSettings();
        OnlineTrainer original = OnlineTrainer.create(settings, 4, LABELS);
        feed(original, new Random(6), 61);
        OnlineTrainer restored = OnlineTrainer.fromSaved(saved(original), settings, 4, LABELS, notice -> { });
        assertEquals(original.servingParameters().size(), restored.servingParameters().size());
        feed(original, new Random(7), 40);
        feed(restored, new Random(7), 40);
        List<ParameterTensor> expected = original.servingParameters();
        List<ParameterTensor> actual = restored.servingParameters();
        assertTrue(expected.stream().anyMatch(tensor -> tensor.name().equals("S")), "the stage is published");
        for (int t = 0; t < expected.size(); t++) {
            assertEquals(expected.get(t).name(), actual.get(t).name());
            assertArrayEquals(expected.get(t).data(), actual.get(t).data(), 0f, expected.get(t).name());
        }
        assertEquals(original.metrics().macroF1(), restored.metrics().macroF1(), 0.0);
        // Without the stage in the saved state the restored trainer would score with a fresh one.
        TrainerSettings plain = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "8")).trainerSettings();
        OnlineTrainer withoutStage = OnlineTrainer.fromSaved(saved(original), plain, 4, LABELS, notice -> { });
        assertTrue(withoutStage.servingParameters().stream().noneMatch(tensor -> tensor.name().equals("S")));
    }

    /**
     * One optimiser step per mini-batch, but each event of the batch is scored with the priors after every event
     * before it: 32 identical rows, label a positive and b negative in each, score a rising and b falling row by row.
     * The batch reaches the metrics and the listener in two halves.
     */
    @Test
    void shouldScoreEachEventOfABatchWithThePriorsAfterTheEventsBeforeIt() {
        TrainerSettings settings = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "32",
                BallastConfig.BATCH_WARMUP_EVENTS, "0")).trainerSettings();
        OnlineTrainer trainer = OnlineTrainer.create(settings, 4, LABELS);
        feed(trainer, new Random(5), 64);
        List<Long> chunks = new ArrayList<>();
        List<float[]> scores = new ArrayList<>();
        trainer.onScored((first, probabilities, targets, rows, thresholds) -> {
            chunks.add(first);
            for (int row = 0; row < rows; row++) {
                scores.add(Arrays.copyOfRange(probabilities, row * 2, row * 2 + 2));
            }
        });
        long steps = trainer.model().steps();
        float[] row = {0.3f, -0.2f, 0.1f, 0.5f};
        float[] before = new float[2];
        trainer.predict(batchOf(row), before);
        for (int event = 0; event < 32; event++) {
            trainer.addDense(row.clone(), new float[] {1f, 0f}, 1f);
        }
        assertEquals(steps + 1, trainer.model().steps(), "one step for the batch");
        assertEquals(List.of(64L, 80L), chunks);
        assertArrayEquals(before, scores.get(0), 1e-6f, "the first event: the priors before the batch");
        for (int event = 1; event < 32; event++) {
            assertTrue(scores.get(event)[0] > scores.get(event - 1)[0], "a rises at event " + event);
            assertTrue(scores.get(event)[1] < scores.get(event - 1)[1], "b falls at event " + event);
        }
    }

    /** Prequential: what an event is scored and decided with never depends on its own label, nor on a later one. */
    @Test
    void shouldNeverLetAnEventsLabelReachItsOwnScoreOrThreshold() {
        TrainerSettings settings = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "32",
                BallastConfig.BATCH_WARMUP_EVENTS, "0", BallastConfig.THRESHOLD_MIN_POSITIVES, "0")).trainerSettings();
        List<List<float[]>> decided = new ArrayList<>();
        for (float flipped : new float[] {0f, 1f}) {
            OnlineTrainer trainer = OnlineTrainer.create(settings, 4, LABELS);
            feed(trainer, new Random(8), 96);
            List<float[]> rows = new ArrayList<>();
            trainer.onScored((first, probabilities, targets, count, thresholds) -> {
                for (int row = 0; row < count; row++) {
                    float[] scoreAndThreshold = Arrays.copyOf(Arrays.copyOfRange(probabilities, row * 2, row * 2 + 2), 4);
                    System.arraycopy(thresholds, 0, scoreAndThreshold, 2, 2);
                    rows.add(scoreAndThreshold);
                }
            });
            Random random = new Random(9);
            for (int event = 0; event < 32; event++) {
                float[] features = {(float) random.nextGaussian(), (float) random.nextGaussian(), 0f, 1f};
                // Event 10's label a is the only difference between the two runs.
                trainer.addDense(features, new float[] {event == 10 ? flipped : 0f, 0f}, 1f);
            }
            decided.add(rows);
        }
        for (int event = 0; event <= 10; event++) {
            assertArrayEquals(decided.get(0).get(event), decided.get(1).get(event), 0f, "event " + event);
        }
        assertTrue(decided.get(0).get(11)[0] != decided.get(1).get(11)[0], "event 11 is scored with event 10's label");
        assertArrayEquals(Arrays.copyOfRange(decided.get(0).get(15), 2, 4), Arrays.copyOfRange(decided.get(1).get(15), 2, 4),
                0f, "the first half is decided with the thresholds before the batch");
        assertTrue(decided.get(0).get(16)[2] != decided.get(1).get(16)[2],
                "the second half is decided with thresholds tuned on the first half's scores and labels");
    }

    private static dev.ballast.learning.MiniBatch batchOf(float[] row) {
        dev.ballast.learning.MiniBatch batch = new dev.ballast.learning.MiniBatch(1, row.length, LABELS.size());
        batch.addDense(row, new float[LABELS.size()], 1f);
        return batch;
    }

    private static SavedModelState saved(OnlineTrainer trainer) throws Exception {
        SavedModelState.Builder saved = SavedModelState.newBuilder().setSaveSequence(1).setSnapshotVersion(0)
                .setBatchesAtLastSnapshot(0).setReflectedOffsets(Map.of());
        trainer.saveTo(saved);
        return saved.build();
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
