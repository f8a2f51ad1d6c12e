package dev.ballast.processor;

import dev.ballast.config.BallastConfig;
import dev.ballast.training.TrainerSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What configuration declares about one model id: inputs, labels and how it trains. */
record ModelDeclaration(String modelId, int featureCount, List<String> labelNames, Map<String, Integer> labelIndex,
        TrainerSettings trainerSettings, Map<String, String> hyperParameters) {

    static ModelDeclaration of(BallastConfig appConfig, String modelId) {
        BallastConfig config = appConfig.forModel(modelId);
        List<String> labels = config.getList(BallastConfig.MODEL_LABELS);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        return new ModelDeclaration(modelId, config.getInt(BallastConfig.MODEL_FEATURES), List.copyOf(labels),
                Map.copyOf(index), config.trainerSettings(), config.effectiveBallastSettings());
    }
}
