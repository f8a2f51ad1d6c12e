package dev.ballast.processor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.config.BallastConfig;
import dev.ballast.learning.ParameterTensor;
import dev.ballast.training.OnlineTrainer;
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
                "linear-adagrad", Map.of(BallastConfig.MODEL_FEATURES, Integer.toString(FEATURES),
                        BallastConfig.MODEL_LABELS, LABELS, BallastConfig.BATCH_SIZE, "4"),
                "mlp-adam", Map.of(BallastConfig.MODEL_FEATURES, Integer.toString(FEATURES),
                        BallastConfig.MODEL_LABELS, LABELS, BallastConfig.BATCH_SIZE, "4",
                        BallastConfig.MODEL_TYPE, "mlp", BallastConfig.MODEL_HIDDEN_UNITS, "3",
                        BallastConfig.OPTIMIZER, "adam", BallastConfig.LEARNING_RATE, "0.01"));
    }

    /** Dense event {@code i}: features on a fixed curve, labels from thresholds on them ("b" rare). */
    static void feed(OnlineTrainer trainer, int from, int to) {
        for (int i = from; i < to; i++) {
            float[] features = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                features[j] = (float) Math.sin(i * 7.0 + j);
            }
            float[] targets = {features[0] > 0.3f ? 1 : 0, features[1] > 0.9f ? 1 : 0, features[0] + features[2] > 0 ? 1 : 0};
            trainer.addDense(features, targets, 1f);
        }
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

    private static void floats(ArrayNode array, float[] values) {
        for (float value : values) {
            array.add(value);
        }
    }
}
