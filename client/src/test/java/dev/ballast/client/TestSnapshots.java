package dev.ballast.client;

import dev.ballast.schema.LabelState;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Tiny hand-made snapshots for the client's tests. */
final class TestSnapshots {

    private TestSnapshots() {
    }

    /** A float32 little-endian tensor. */
    static Tensor tensor(String name, float[] values, int... shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        List<Integer> dims = new ArrayList<>();
        for (int d : shape) {
            dims.add(d);
        }
        return new Tensor(name, dims, bytes);
    }

    /** A snapshot of model "model", version 7, with labels "label0", "label1", ... at the given thresholds. */
    static ModelSnapshot snapshot(String architecture, int features, List<Float> thresholds, Tensor... tensors) {
        return snapshot("model", 7, architecture, features, thresholds, tensors);
    }

    /** A linear snapshot with one feature and one label whose bias is {@code bias}: scores sigmoid(x + bias). */
    static ModelSnapshot linear(String modelId, long version, float bias) {
        return snapshot(modelId, version, "linear", 1, List.of(0.5f),
                tensor("W", new float[] {1}, 1, 1), tensor("b", new float[] {bias}, 1));
    }

    private static ModelSnapshot snapshot(String modelId, long version, String architecture, int features,
                                          List<Float> thresholds, Tensor... tensors) {
        List<LabelState> labels = new ArrayList<>();
        for (int label = 0; label < thresholds.size(); label++) {
            labels.add(LabelState.newBuilder().setName("label" + label).setDecayedPositives(0).setDecayedTotal(0)
                    .setPrevalence(0).setPosWeight(1f).setThreshold(thresholds.get(label)).build());
        }
        return ModelSnapshot.newBuilder().setModelId(modelId).setVersion(version).setCreatedAt(Instant.EPOCH)
                .setEventsTrained(0).setOptimizerSteps(0).setArchitecture(architecture).setFeatureCount(features)
                .setLabels(labels).setParameters(List.of(tensors)).build();
    }
}
