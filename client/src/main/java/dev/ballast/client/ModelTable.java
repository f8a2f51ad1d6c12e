package dev.ballast.client;

import dev.ballast.schema.ModelSnapshot;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The newest version of each model id. One thread writes (the subscriber's polling thread), any thread reads; a
 * reader sees either the old or the new {@link ModelHandle}, never a mix.
 */
final class ModelTable {

    /** A change made to the table; {@code previous} or {@code current} is null when the model was added or removed. */
    record Change(String modelId, ModelHandle previous, ModelHandle current) {
    }

    private final ConcurrentMap<String, ModelHandle> models = new ConcurrentHashMap<>();

    /**
     * Holds {@code snapshot} when its version is greater than the held one's, whatever order versions arrive in; an
     * older or equal version changes nothing (and its tensors are not decoded).
     *
     * @throws IllegalArgumentException when a newer snapshot cannot be scored; the held version stays
     */
    Optional<Change> offer(ModelSnapshot snapshot) {
        String modelId = snapshot.getModelId();
        ModelHandle previous = models.get(modelId);
        if (previous != null && snapshot.getVersion() <= previous.version()) {
            return Optional.empty();
        }
        ModelHandle current = ModelHandle.of(snapshot);
        models.put(modelId, current);
        return Optional.of(new Change(modelId, previous, current));
    }

    /**
     * Forgets the model and its version, as compaction will: the next snapshot of this id is held whatever its
     * version, just as a subscriber reading the topic from the start after compaction would hold it.
     */
    Optional<Change> remove(String modelId) {
        ModelHandle previous = models.remove(modelId);
        return previous == null ? Optional.empty() : Optional.of(new Change(modelId, previous, null));
    }

    Optional<ModelHandle> get(String modelId) {
        return Optional.ofNullable(models.get(modelId));
    }
}
