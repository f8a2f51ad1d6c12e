package dev.ballast.client;

import dev.ballast.schema.ModelSnapshot;
import java.util.Objects;

/**
 * One version of one model, as a {@link ModelSubscriber} holds it: the snapshot it was built from and a
 * {@link Predictor} over it. Immutable as far as the handle goes; the snapshot is a generated Avro record, which has
 * setters: treat it as read-only, since every thread that asks for this model shares it.
 */
public final class ModelHandle {

    private final ModelSnapshot snapshot;
    private final Predictor predictor;

    private ModelHandle(ModelSnapshot snapshot, Predictor predictor) {
        this.snapshot = snapshot;
        this.predictor = predictor;
    }

    /**
     * A handle over {@code snapshot}.
     *
     * @throws IllegalArgumentException when the snapshot cannot be scored (missing or misshapen tensor)
     */
    public static ModelHandle of(ModelSnapshot snapshot) {
        return new ModelHandle(Objects.requireNonNull(snapshot, "snapshot"), Predictor.of(snapshot));
    }

    /** The model id. */
    public String modelId() {
        return predictor.modelId();
    }

    /** The snapshot's version: strictly increasing per model id. */
    public long version() {
        return predictor.version();
    }

    /** Scores events with this version. */
    public Predictor predictor() {
        return predictor;
    }

    /** The snapshot this version was built from (events trained, label statistics, hyper-parameters ...). */
    public ModelSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public String toString() {
        return "ModelHandle[" + modelId() + " v" + version() + "]";
    }
}
