package dev.ballast.processor;

import dev.ballast.config.BallastConfig;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Events for the labels "rare" and "common", their features drawn at random and their labels following from them. */
final class RandomEvents {

    private RandomEvents() {
    }

    /**
     * Settings of models {@code models} (comma-separated) for these events, 4 features, mini-batches of 8, with no
     * Kafka or registry reached; callers add their own before building the configuration.
     */
    static Map<String, String> settings(String models) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put("schema.registry.url", "http://unused:8081");
        settings.put("application.id", "app");
        settings.put(BallastConfig.MODELS, models);
        settings.put(BallastConfig.MODEL_FEATURES, "4");
        settings.put(BallastConfig.MODEL_LABELS, "rare,common");
        settings.put(BallastConfig.BATCH_SIZE, "8");
        return settings;
    }

    /** Gaussian features; "rare" when the first is over 1, else "common" when the second is positive. */
    static LabelledEvent event(Random random, String modelId, int features) {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < features; i++) {
            values.add((float) random.nextGaussian());
        }
        return LabelledEvent.newBuilder().setId("e").setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setModelId(modelId).setFeatures(new DenseFeatures(values))
                .setLabels(values.get(0) > 1.0 ? List.of("rare") : values.get(1) > 0 ? List.of("common") : List.of())
                .build();
    }
}
