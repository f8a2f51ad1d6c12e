package dev.ballast.processor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.config.BallastConfig;
import dev.ballast.evaluation.PrequentialMetrics;
import dev.ballast.learning.MiniBatch;
import dev.ballast.learning.ParameterTensor;
import dev.ballast.training.OnlineTrainer;
import java.util.HashMap;
import java.util.Map;

/**
 * The saved model states kept as fixtures in src/test/resources (written by the release that introduced them), and
 * the deterministic events they were trained on.
 */
final class SavedStateFixtures {

    static final int FEATURES = 5;
    static final String LABELS = "a,b,c";

    private SavedStateFixtures() {
    }

    /** The settings each fixture was written with, by fixture name. */
    static Map<String, Map<String, String>> settings() {
        return Map.of(
                "linear-adagrad", writtenWith(Map.of(BallastConfig.MODEL_FEATURES, Integer.toString(FEATURES),
                        BallastConfig.MODEL_LABELS, LABELS, BallastConfig.BATCH_SIZE, "4")),
                "mlp-adam", writtenWith(Map.of(BallastConfig.MODEL_FEATURES, Integer.toString(FEATURES),
                        BallastConfig.MODEL_LABELS, LABELS, BallastConfig.BATCH_SIZE, "4",
                        BallastConfig.MODEL_TYPE, "mlp", BallastConfig.MODEL_HIDDEN_UNITS, "3",
                        BallastConfig.OPTIMIZER, "adam", BallastConfig.LEARNING_RATE, "0.01")));
    }

    /** The settings plus the defaults of the release that wrote the fixtures, where today's differ. */
    private static Map<String, String> writtenWith(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(BallastConfig.WEIGHTING_HALF_LIFE, "10000",
                BallastConfig.THRESHOLD_HALF_LIFE, "5000", BallastConfig.LOGIT_ADJUSTMENT_TRAIN, "0",
                BallastConfig.LOGIT_ADJUSTMENT_SCORE, "0", BallastConfig.THRESHOLD_PRIOR_POSITIVES, "0",
                BallastConfig.WEIGHTING_POLICY, "sqrt"));
        all.putAll(settings);
        return all;
    }

    /** Dense event {@code i}: features on a fixed curve, labels from thresholds on them ("b" rare). */
    static void feed(OnlineTrainer trainer, int from, int to) {
        for (int i = from; i < to; i++) {
            float[] features = features(i);
            trainer.addDense(features, targets(features), 1f);
        }
    }

    static float[] features(int event) {
        float[] features = new float[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            features[j] = (float) Math.sin(event * 7.0 + j);
        }
        return features;
    }

    static float[] targets(float[] features) {
        return new float[] {features[0] > 0.3f ? 1 : 0, features[1] > 0.9f ? 1 : 0, features[0] + features[2] > 0 ? 1 : 0};
    }

    /** What a restored state must hold, as JSON. */
    static ObjectNode describe(ModelState state) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode node = mapper.createObjectNode();
        node.put("saveSequence", state.saveSequence);
        node.put("snapshotVersion", state.snapshotVersion);
        node.put("batchesAtLastSnapshot", state.batchesAtLastSnapshot);
        ObjectNode offsets = node.putObject("reflectedOffsets");
        state.reflectedOffsets.forEach(offsets::put);
        OnlineTrainer trainer = state.trainer;
        node.put("eventsTrained", trainer.eventsTrained());
        node.put("pendingEvents", trainer.pendingEvents());
        node.put("steps", trainer.model().steps());
        ArrayNode labels = node.putArray("labels");
        trainer.labelNames().forEach(labels::add);
        floats(node.putArray("thresholds"), trainer.thresholds());
        floats(node.putArray("positiveWeights"), trainer.positiveWeights());
        ArrayNode prevalences = node.putArray("prevalences");
        for (int label = 0; label < trainer.labelNames().size(); label++) {
            prevalences.add(trainer.labelStatistics().prevalence(label));
        }
        ObjectNode parameters = node.putObject("parameters");
        for (ParameterTensor tensor : trainer.model().parameters()) {
            floats(parameters.putArray(tensor.name()), tensor.data());
        }
        return node;
    }

    /**
     * What the restored model does, as JSON: its probabilities for the probe events 100-103 (scored, not learned
     * from), and its prequential metrics so far.
     */
    static ObjectNode outputs(ModelState state) {
        OnlineTrainer trainer = state.trainer;
        int labels = trainer.labelNames().size();
        MiniBatch probe = new MiniBatch(4, FEATURES, labels);
        for (int i = 100; i < 104; i++) {
            probe.addDense(features(i), targets(features(i)), 1f);
        }
        float[] probabilities = new float[4 * labels];
        trainer.predict(probe, probabilities);
        ObjectNode node = new ObjectMapper().createObjectNode();
        floats(node.putArray("probeProbabilities"), probabilities);
        PrequentialMetrics metrics = trainer.metrics();
        node.put("metricsEvents", metrics.events());
        node.put("macroF1", metrics.macroF1());
        node.put("microF1", metrics.microF1());
        ArrayNode auprc = node.putArray("auprc");
        for (int label = 0; label < labels; label++) {
            auprc.add(metrics.label(label).auprc());
        }
        return node;
    }

    private static void floats(ArrayNode array, float[] values) {
        for (float value : values) {
            array.add(value);
        }
    }
}
