package dev.ballast.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.learning.IncompatibleStateException;
import dev.ballast.learning.ModelType;
import dev.ballast.learning.OptimizerType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rule for a restored model: hyper-parameters follow the configuration; what the parameters cannot take is refused. */
class RestoreUnderNewSettingsTest {

    private static final List<String> LABELS = List.of("a", "b");
    private static final int FEATURES = 4;

    @Test
    void shouldTrainWithTheConfiguredHyperParametersWhenRestoredUnderNewOnes() throws IOException {
        OnlineTrainer original = OnlineTrainer.create(settings(Map.of(BallastConfig.BATCH_SIZE, "8")), FEATURES, LABELS);
        feed(original, new Random(1), 21);
        TrainerSettings changed = settings(Map.of(BallastConfig.BATCH_SIZE, "4", BallastConfig.LEARNING_RATE, "0.02",
                BallastConfig.OPTIMIZER, "sgd", BallastConfig.WEIGHTING_HALF_LIFE, "50", BallastConfig.THRESHOLD_POLICY, "fixed"));
        List<String> notices = new ArrayList<>();
        OnlineTrainer restored = OnlineTrainer.fromSaved(SavedTrainers.saved(original), changed, FEATURES, LABELS, notices::add);

        assertEquals(changed, restored.settings());
        assertEquals(changed.learning(), restored.model().settings(), "the model steps with the configured learning rate");
        assertEquals(50, restored.labelStatistics().halfLifeEvents());
        assertEquals(original.model().parameters().get(0).data()[0], restored.model().parameters().get(0).data()[0]);
        assertEquals(5, restored.pendingEvents());
        assertTrue(notices.stream().anyMatch(notice -> notice.contains("optimiser changed from adagrad to sgd")), notices.toString());
        assertTrue(notices.stream().anyMatch(notice -> notice.contains("threshold settings changed")), notices.toString());
        assertArrayEquals(new float[] {0.5f, 0.5f}, restored.thresholds(), "fixed: the default threshold");

        long steps = restored.model().steps();
        feed(restored, new Random(2), 3);
        assertEquals(steps + 1, restored.model().steps(), "the 5 saved pending events and 3 more: one batch of 8 >= 4");
        feed(restored, new Random(3), 12);
        assertEquals(steps + 4, restored.model().steps(), "then one step per 4 events");
    }

    @Test
    void shouldKeepTheTunedThresholdsWhenRestoredUnderANewThresholdHalfLifeAndStartAfreshUnderNewBins()
            throws IOException {
        TrainerSettings before = settings(Map.of(BallastConfig.THRESHOLD_HALF_LIFE, "2000"));
        OnlineTrainer original = OnlineTrainer.create(before, FEATURES, LABELS);
        feed(original, new Random(1), 600);
        float[] tuned = original.thresholds();
        // Label b (about 7% positive) is tuned well away from 0.5; label a, half positive and separable, may tune to it.
        assertTrue(Math.abs(tuned[1] - 0.5f) > 0.1f, "label b is tuned: " + tuned[1]);

        List<String> notices = new ArrayList<>();
        OnlineTrainer shorter = OnlineTrainer.fromSaved(SavedTrainers.saved(original),
                settings(Map.of(BallastConfig.THRESHOLD_HALF_LIFE, "1000")), FEATURES, LABELS, notices::add);
        assertArrayEquals(tuned, shorter.thresholds(), "the saved scores, re-tuned at once");
        assertTrue(notices.stream().anyMatch(notice -> notice.contains("re-tuned from the saved score histograms")),
                notices.toString());

        notices.clear();
        OnlineTrainer rebinned = OnlineTrainer.fromSaved(SavedTrainers.saved(original),
                settings(Map.of(BallastConfig.THRESHOLD_HALF_LIFE, "2000", BallastConfig.THRESHOLD_BINS, "50")),
                FEATURES, LABELS, notices::add);
        assertArrayEquals(new float[] {0.5f, 0.5f}, rebinned.thresholds());
        assertTrue(notices.stream().anyMatch(notice -> notice.contains("bins changed from 100 to 50")),
                notices.toString());

        // A stronger pull toward the default (a state saved before the setting existed restores with none): the
        // saved histograms are re-tuned under it at once.
        notices.clear();
        OnlineTrainer pulled = OnlineTrainer.fromSaved(SavedTrainers.saved(original),
                settings(Map.of(BallastConfig.THRESHOLD_HALF_LIFE, "2000",
                        BallastConfig.THRESHOLD_PRIOR_POSITIVES, "10000")), FEATURES, LABELS, notices::add);
        assertTrue(Math.abs(pulled.thresholds()[1] - 0.5f) < Math.abs(tuned[1] - 0.5f) / 2,
                "pulled most of the way to 0.5: " + pulled.thresholds()[1] + " from " + tuned[1]);
        assertTrue(notices.stream().anyMatch(notice -> notice.contains("re-tuned from the saved score histograms")),
                notices.toString());
    }

    @Test
    void shouldRefuseNamingWhatDiffersWhenTheParametersCannotTakeTheConfiguration() throws IOException {
        OnlineTrainer original = OnlineTrainer.create(settings(Map.of()), FEATURES, LABELS);
        feed(original, new Random(1), 40);

        IncompatibleStateException features = assertThrows(IncompatibleStateException.class,
                () -> OnlineTrainer.fromSaved(SavedTrainers.saved(original), settings(Map.of()), FEATURES + 1, LABELS, notice -> { }));
        assertEquals(IncompatibleStateException.Aspect.FEATURE_COUNT, features.aspect());
        assertEquals("4", features.saved());

        TrainerSettings mlp = settings(Map.of(BallastConfig.MODEL_TYPE, "mlp"));
        assertEquals(ModelType.MLP, mlp.learning().modelType());
        assertEquals(IncompatibleStateException.Aspect.MODEL_TYPE, assertThrows(IncompatibleStateException.class,
                () -> OnlineTrainer.fromSaved(SavedTrainers.saved(original), mlp, FEATURES, LABELS, notice -> { })).aspect());

        assertEquals(IncompatibleStateException.Aspect.LABELS, assertThrows(IncompatibleStateException.class,
                () -> OnlineTrainer.fromSaved(SavedTrainers.saved(original), settings(Map.of()), FEATURES, List.of("a"), notice -> { })).aspect());
    }

    @Test
    void shouldKeepEveryOutputAndStartANewOneFromItsPriorWhenALabelIsAdded() throws IOException {
        TrainerSettings settings = settings(Map.of(BallastConfig.BATCH_SIZE, "8"));
        OnlineTrainer original = OnlineTrainer.create(settings, FEATURES, LABELS);
        feed(original, new Random(1), 43);
        List<String> withNew = List.of("a", "new", "b");
        List<String> notices = new ArrayList<>();
        OnlineTrainer restored = OnlineTrainer.fromSaved(SavedTrainers.saved(original), settings, FEATURES, withNew, notices::add);

        assertEquals(withNew, restored.labelNames());
        assertTrue(notices.stream().anyMatch(notice -> notice.contains("labels changed")), notices.toString());
        float[] before = original.model().parameters().get(0).data();
        float[] after = restored.model().parameters().get(0).data();
        for (int feature = 0; feature < FEATURES; feature++) {
            assertEquals(before[feature * 2], after[feature * 3], "label a keeps its weights");
            assertEquals(0f, after[feature * 3 + 1], "the new label starts from zero weights");
            assertEquals(before[feature * 2 + 1], after[feature * 3 + 2], "label b keeps its weights");
        }
        assertEquals(original.labelStatistics().total(0), restored.labelStatistics().total(0));
        assertEquals(0.0, restored.labelStatistics().total(1), "the new label counts from zero");
        assertEquals(original.labelStatistics().positives(1), restored.labelStatistics().positives(2));
        assertEquals(3, restored.pendingEvents());

        Random random = new Random(2);
        for (int event = 0; event < 5; event++) {
            float[] features = {(float) random.nextGaussian(), 0f, 0f, 0f};
            restored.addDense(features, new float[] {1f, event < 2 ? 1f : 0f, 0f}, 1f);
        }
        assertEquals(2.0 / 8, restored.labelStatistics().prevalence(1), 1e-6,
                "2 positives in the 8 (decayed) events since the label was added");
        // The bias starts from the smoothed prior, (2 + 1) / (8 + 2), as the logit offsets use it.
        double prior = (restored.labelStatistics().positives(1) + 1) / (restored.labelStatistics().total(1) + 2);
        float bias = restored.model().parameters().get(1).data()[1];
        assertTrue(Math.abs(bias - Math.log(prior / (1 - prior))) < 0.2, "the new output starts from its prior: " + bias);
        assertEquals(original.model().steps() + 1, restored.model().steps(), "training goes on");
    }

    @Test
    void shouldNameTheOverrideKeyAndTheWaysOutWhenARestoreIsRefused() {
        BallastConfig config = new BallastConfig(Map.of(BallastConfig.MODELS, "fraud",
                "ballast.models.fraud.model.features", "5"));
        String refusal = config.models().refusal("fraud", new IncompatibleStateException(
                IncompatibleStateException.Aspect.FEATURE_COUNT, "4", "5"));
        assertTrue(refusal.contains("ballast.models.fraud.model.features"), refusal);
        assertTrue(refusal.contains("back to 4") && refusal.contains("new model id")
                && refusal.contains("ballast models reset --model fraud"), refusal);
        assertEquals(OptimizerType.ADAGRAD, config.models().declaration("fraud").orElseThrow()
                .trainerSettings().learning().optimizer());
    }

    /** {@code values}, with no warm-up: the expected step counts assume whole batches from the first event on. */
    private static TrainerSettings settings(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.putIfAbsent(BallastConfig.BATCH_WARMUP_EVENTS, "0");
        return new BallastConfig(all).trainerSettings();
    }

    private static void feed(OnlineTrainer trainer, Random random, int events) {
        for (int event = 0; event < events; event++) {
            float[] features = new float[FEATURES];
            for (int i = 0; i < features.length; i++) {
                features[i] = (float) random.nextGaussian();
            }
            trainer.addDense(features, new float[] {features[0] > 0 ? 1 : 0, features[1] > 1.5f ? 1 : 0}, 1f);
        }
    }
}
