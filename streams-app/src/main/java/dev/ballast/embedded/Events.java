package dev.ballast.embedded;

import dev.ballast.io.Example;
import dev.ballast.io.Features;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.SparseFeatures;
import dev.ballast.schema.state.SavedArrays;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns data-set examples into {@link LabelledEvent}s. */
public final class Events {

    private Events() {
    }

    public static LabelledEvent of(Example example, List<String> labelNames, String modelId, long sequence) {
        Object features = example.features() instanceof Features.Sparse sparse
                ? new SparseFeatures(ints(sparse.indices()), SavedArrays.floats(sparse.values()))
                : new DenseFeatures(SavedArrays.floats(((Features.Dense) example.features()).values()));
        List<String> labels = new ArrayList<>(example.positiveLabels().length);
        for (int label : example.positiveLabels()) {
            labels.add(labelNames.get(label));
        }
        String id = example.id() == null ? modelId + "-" + sequence : example.id();
        long time = example.eventTime() > 0 ? example.eventTime() : System.currentTimeMillis();
        return LabelledEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.ofEpochMilli(time))
                .setModelId(modelId)
                .setFeatures(features)
                .setLabels(labels)
                .setImportance(example.importance())
                .build();
    }

    private static List<Integer> ints(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int value : values) {
            list.add(value);
        }
        return list;
    }
}
