package dev.ballast.config;

import dev.ballast.training.TrainerSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What configuration declares about one model id: its inputs, its labels (in output order) and how it trains.
 * Built and validated by {@link ModelCatalog} at start-up.
 */
public record ModelDeclaration(String modelId, int featureCount, List<String> labelNames,
        Map<String, Integer> labelIndex, TrainerSettings trainerSettings) {

    static ModelDeclaration of(String modelId, int featureCount, List<String> labelNames, TrainerSettings settings) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labelNames.size(); i++) {
            index.put(labelNames.get(i), i);
        }
        return new ModelDeclaration(modelId, featureCount, List.copyOf(labelNames), Map.copyOf(index), settings);
    }

    /** The same declaration under another model id: an unknown id trains from the template. */
    ModelDeclaration withModelId(String id) {
        return new ModelDeclaration(id, featureCount, labelNames, labelIndex, trainerSettings);
    }
}
