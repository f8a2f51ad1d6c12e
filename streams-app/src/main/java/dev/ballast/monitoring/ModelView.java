package dev.ballast.monitoring;

import dev.ballast.schema.AlertKind;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.TrainingMetrics;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the feed has seen of one model: its newest snapshot, its recent metrics records (oldest first) and how many
 * alerts of each kind it raised. Immutable.
 */
public final class ModelView {

    private final String modelId;
    private final ModelSnapshot latestSnapshot;
    private final List<TrainingMetrics> history;
    private final Map<AlertKind, Long> alertCounts;

    ModelView(String modelId, ModelSnapshot latestSnapshot, List<TrainingMetrics> history, Map<AlertKind, Long> alertCounts) {
        this.modelId = modelId;
        this.latestSnapshot = latestSnapshot;
        this.history = List.copyOf(history);
        this.alertCounts = Map.copyOf(alertCounts);
    }

    public String modelId() {
        return modelId;
    }

    /** The snapshot with the highest version read so far; empty before the first one. */
    public Optional<ModelSnapshot> latestSnapshot() {
        return Optional.ofNullable(latestSnapshot);
    }

    /** The most recent metrics records, oldest first, at most the feed's history length. */
    public List<TrainingMetrics> history() {
        return history;
    }

    /** The newest metrics record; empty before the first one. */
    public Optional<TrainingMetrics> latestMetrics() {
        return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
    }

    /** The model version in force: the newest of the latest snapshot's and the latest metrics' version, 0 before either. */
    public long version() {
        long fromSnapshot = latestSnapshot == null ? 0 : latestSnapshot.getVersion();
        return Math.max(fromSnapshot, latestMetrics().map(TrainingMetrics::getModelVersion).orElse(0L));
    }

    /** Alerts raised by this model, by kind, counted since the start of the alerts topic; kinds never raised are absent. */
    public Map<AlertKind, Long> alertCounts() {
        return alertCounts;
    }

    public long alertCount() {
        return alertCounts.values().stream().mapToLong(Long::longValue).sum();
    }
}
