package dev.ballast.feedback;

import dev.ballast.client.Predictor;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelScore;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.SparseFeatures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The model that serves: the last snapshot a model published, scored with the client library's {@link Predictor},
 * so that a {@link Prediction} of version v is exactly what a service holding snapshot v computes. The trainer's
 * own parameters move at every mini-batch between two snapshots; scoring with them would serve a model nobody can
 * fetch.
 */
final class ServingModel {

    private final ModelSnapshot snapshot;
    private final Predictor predictor;
    private final boolean[] decisions;

    ServingModel(ModelSnapshot snapshot) {
        this.snapshot = snapshot;
        this.predictor = Predictor.of(snapshot);
        this.decisions = new boolean[predictor.labelNames().size()];
    }

    ModelSnapshot snapshot() {
        return snapshot;
    }

    int labelCount() {
        return decisions.length;
    }

    /** Scores a validated event into {@code probabilities} (one per label) and returns the prediction to publish. */
    Prediction score(LabelledEvent event, long nowMs, float[] probabilities) {
        if (event.getFeatures() instanceof DenseFeatures dense) {
            float[] values = new float[dense.getValues().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = dense.getValues().get(i);
            }
            predictor.predictProbabilities(values, probabilities);
        } else {
            SparseFeatures sparse = (SparseFeatures) event.getFeatures();
            int[] indices = new int[sparse.getIndices().size()];
            float[] values = new float[indices.length];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = sparse.getIndices().get(i);
                values[i] = sparse.getValues().get(i);
            }
            predictor.predictProbabilities(indices, values, probabilities);
        }
        predictor.decide(probabilities, decisions);
        List<LabelScore> scores = new ArrayList<>(decisions.length);
        for (int label = 0; label < decisions.length; label++) {
            scores.add(new LabelScore(predictor.labelNames().get(label), probabilities[label], predictor.threshold(label),
                    decisions[label]));
        }
        return new Prediction(event.getId(), event.getModelId(), snapshot.getVersion(), Instant.ofEpochMilli(nowMs),
                scores);
    }
}
