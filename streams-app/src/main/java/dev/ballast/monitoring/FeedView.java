package dev.ballast.monitoring;

import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ImbalanceAlert;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable picture of what a {@link MetricsFeed} has read, safe to hand to other threads.
 *
 * @param models       per model id, in id order
 * @param recentAlerts the most recent alerts of all models, oldest first
 * @param deadLetters  records on the dead-letter topic
 * @param recentDeadLetters the most recent of them, oldest first
 */
public record FeedView(Map<String, ModelView> models, List<ImbalanceAlert> recentAlerts, long deadLetters,
        List<DeadLetter> recentDeadLetters) {

    public FeedView {
        models = Collections.unmodifiableSortedMap(new TreeMap<>(models));
        recentAlerts = List.copyOf(recentAlerts);
        recentDeadLetters = List.copyOf(recentDeadLetters);
    }

    /** A view whose dead letters are only counted. */
    public FeedView(Map<String, ModelView> models, List<ImbalanceAlert> recentAlerts, long deadLetters) {
        this(models, recentAlerts, deadLetters, List.of());
    }

    /** The model's view; empty when the feed has read nothing of it. */
    public Optional<ModelView> model(String modelId) {
        return Optional.ofNullable(models.get(modelId));
    }

    /** Alerts of all models since the start of the alerts topic. */
    public long alertCount() {
        return models.values().stream().mapToLong(ModelView::alertCount).sum();
    }
}
