package dev.ballast.processor;

import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Events for the labels "rare" and "common", their features drawn at random and their labels following from them. */
final class RandomEvents {

    private RandomEvents() {
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
