package dev.ballast.monitoring;

import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelMetrics;
import dev.ballast.schema.TrainingMetrics;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Renders a {@link FeedView} as plain text for a terminal: per model, a table of each label's prevalence with its trend
 * over the recent metrics records, the weight and threshold in force, and the prequential precision, recall, F1 and
 * PR-AUC; then the model-wide figures and the most recent alerts.
 */
public final class TextDashboard {

    /** Metrics records the prevalence trend spans. */
    public static final int TREND_LENGTH = 16;

    private static final String TREND_COLUMN = "%-" + (TREND_LENGTH + 2) + "s";
    private static final String SPARKS = "▁▂▃▄▅▆▇█";
    private static final int SHOWN_ALERTS = 5;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private TextDashboard() {
    }

    /**
     * @param view    what the feed has read
     * @param modelId the model to show, or {@code null} for every model
     * @return the view, lines ending in {@code \n}; says so when there is nothing to show yet
     */
    public static String render(FeedView view, String modelId) {
        StringBuilder text = new StringBuilder();
        for (ModelView model : view.models().values()) {
            if (modelId == null || modelId.equals(model.modelId())) {
                renderModel(model, text);
                text.append('\n');
            }
        }
        if (text.length() == 0) {
            text.append(modelId == null ? "No metrics yet.\n" : "No metrics for model " + modelId + " yet.\n");
        }
        text.append(String.format(Locale.ROOT, "dead letters %d  alerts %d%n", view.deadLetters(), view.alertCount()));
        List<ImbalanceAlert> alerts = view.recentAlerts().stream()
                .filter(alert -> modelId == null || modelId.equals(alert.getModelId())).toList();
        for (ImbalanceAlert alert : alerts.subList(Math.max(0, alerts.size() - SHOWN_ALERTS), alerts.size())) {
            text.append("  ").append(CLOCK.format(alert.getTimestamp())).append("  ").append(alert.getModelId())
                    .append("  ").append(alert.getMessage()).append('\n');
        }
        return text.toString();
    }

    /** One line per model for logs and pipes: version, events trained, events/s, macro-F1, collapsed labels, alerts. */
    public static String summaryLine(ModelView model) {
        TrainingMetrics metrics = model.latestMetrics().orElse(null);
        return String.format(Locale.ROOT, "%s model %s  version %d  trained %,d  %,.0f events/s  macro-F1 %.3f  collapsed %d  alerts %d",
                CLOCK.format(metrics == null ? Instant.now() : metrics.getTimestamp()), model.modelId(), model.version(),
                metrics == null ? 0 : metrics.getEventsTrained(), metrics == null ? 0.0 : metrics.getEventsPerSecond(),
                metrics == null ? 0.0 : metrics.getMacroF1(), metrics == null ? 0 : metrics.getCollapsedLabels(),
                model.alertCount());
    }

    private static void renderModel(ModelView model, StringBuilder text) {
        text.append(summaryLine(model)).append("\n\n");
        List<TrainingMetrics> history = model.history();
        if (history.isEmpty()) {
            text.append("  no metrics yet\n");
            return;
        }
        List<TrainingMetrics> recent = history.subList(Math.max(0, history.size() - TREND_LENGTH), history.size());
        TrainingMetrics latest = recent.get(recent.size() - 1);
        text.append(String.format(Locale.ROOT, "  %-12s %10s " + TREND_COLUMN + " %8s %9s %9s %7s %7s %7s%n", "label",
                "prevalence", " trend", "weight", "threshold", "precision", "recall", "F1", "PR-AUC"));
        for (LabelMetrics label : latest.getLabels()) {
            double[] prevalence = recent.stream().mapToDouble(metrics -> prevalenceOf(metrics, label.getName())).toArray();
            text.append(String.format(Locale.ROOT, "  %-12s %9.2f%% " + TREND_COLUMN + " %8.2f %9.3f %9.3f %7.3f %7.3f %7.3f%n",
                    label.getName(), label.getPrevalence() * 100, trend(prevalence), label.getPosWeight(),
                    label.getThreshold(), label.getPrecision(), label.getRecall(), label.getF1(), label.getAuprc()));
        }
        text.append(String.format(Locale.ROOT, "%n  macro-F1 %.3f  micro-F1 %.3f  weighted loss %.4f  unweighted loss %.4f%n",
                latest.getMacroF1(), latest.getMicroF1(), latest.getWeightedLoss(), latest.getUnweightedLoss()));
        // Late labels: shown once the model has served an unlabelled event.
        if (latest.getEventsWaiting() != null && latest.getEventsWaiting() + latest.getEventsJoined()
                + latest.getEventsExpired() + latest.getOrphanLabels() > 0) {
            text.append(String.format(Locale.ROOT, "  late labels: waiting %,d  joined %,d  expired %,d  orphan labels %,d"
                    + "  delay p50 %s  p99 %s%n", latest.getEventsWaiting(), latest.getEventsJoined(),
                    latest.getEventsExpired(), latest.getOrphanLabels(), delay(latest.getLabelDelayP50Ms()),
                    delay(latest.getLabelDelayP99Ms())));
        }
        if (!model.alertCounts().isEmpty()) {
            text.append("  alerts: ").append(model.alertCounts().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(count -> count.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + count.getValue())
                    .collect(Collectors.joining(", "))).append('\n');
        }
    }

    private static String delay(Double ms) {
        if (ms == null) {
            return "-";
        }
        return ms < 1_000 ? String.format(Locale.ROOT, "%.0f ms", ms)
                : ms < 120_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1_000)
                : ms < 7_200_000 ? String.format(Locale.ROOT, "%.1f min", ms / 60_000)
                : String.format(Locale.ROOT, "%.1f h", ms / 3_600_000);
    }

    private static double prevalenceOf(TrainingMetrics metrics, String label) {
        return metrics.getLabels().stream().filter(candidate -> Objects.equals(candidate.getName(), label))
                .mapToDouble(LabelMetrics::getPrevalence).findFirst().orElse(Double.NaN);
    }

    /**
     * A sparkline of the values scaled between their own minimum and maximum, then an arrow for the change from the
     * first to the last: up or down when it moved by more than a tenth, flat otherwise.
     */
    static String trend(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            if (Double.isFinite(value)) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }
        StringBuilder line = new StringBuilder();
        for (double value : values) {
            if (!Double.isFinite(value)) {
                line.append(' ');
            } else {
                int level = max > min ? (int) Math.round((value - min) / (max - min) * (SPARKS.length() - 1)) : 0;
                line.append(SPARKS.charAt(level));
            }
        }
        if (values.length > 1 && Double.isFinite(values[0]) && Double.isFinite(values[values.length - 1])) {
            double first = values[0];
            double last = values[values.length - 1];
            double change = first == 0 ? (last == 0 ? 0 : 1) : (last - first) / Math.abs(first);
            line.append(' ').append(change > 0.1 ? '↑' : change < -0.1 ? '↓' : '→');
        }
        return line.toString();
    }
}
