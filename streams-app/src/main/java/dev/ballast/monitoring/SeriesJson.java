package dev.ballast.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelMetrics;
import dev.ballast.schema.TrainingMetrics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The JSON behind the web dashboard's charts, column-wise per model so the page plots without reshaping:
 * <pre>{"deadLetters": n, "alerts": [{model, label, kind, time, message}, ...],
 *  "recentDeadLetters": [{kind, reason, sourceTopic, sourcePartition, sourceOffset, eventId, failedAt, key, value}, ...],
 *  "models": [{"model", "currentVersion", "eventsTrained", "alertCount", "labels": [names],
 *              "time": [ms...], "macroF1": [...], "version": [...], "eventsPerSecond": [...],
 *              "prevalence": {label: [...]}, "posWeight": {label: [...]}, "recall": {label: [...]},
 *              "labelJoin": {"waiting": [...], "joined": [...], "expired": [...], "delayP50Ms": [...],
 *                            "delayP99Ms": [...]}}]}</pre>
 * Non-finite or absent numbers become {@code null}. {@code labelJoin} is there only for a model that has had late
 * labels: an event waiting, joined or expired in one of its records.
 */
final class SeriesJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SeriesJson() {
    }

    static byte[] write(FeedView view) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("deadLetters", view.deadLetters());
        ArrayNode alerts = root.putArray("alerts");
        for (ImbalanceAlert alert : view.recentAlerts()) {
            ObjectNode node = alerts.addObject();
            node.put("model", alert.getModelId());
            node.put("label", alert.getLabel());
            node.put("kind", alert.getKind().name());
            node.put("time", alert.getTimestamp().toEpochMilli());
            node.put("message", alert.getMessage());
        }
        ArrayNode deadLetters = root.putArray("recentDeadLetters");
        view.recentDeadLetters().forEach(deadLetter -> DeadLetterText.json(deadLetter, deadLetters.addObject()));
        ArrayNode models = root.putArray("models");
        view.models().values().forEach(model -> writeModel(model, models.addObject()));
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the dashboard series", e);
        }
    }

    private static void writeModel(ModelView model, ObjectNode node) {
        List<TrainingMetrics> history = model.history();
        node.put("model", model.modelId());
        node.put("currentVersion", model.version());
        node.put("eventsTrained", model.latestMetrics().map(TrainingMetrics::getEventsTrained).orElse(0L));
        node.put("alertCount", model.alertCount());
        ArrayNode labelNames = node.putArray("labels");
        model.latestMetrics().ifPresent(latest -> latest.getLabels().forEach(label -> labelNames.add(label.getName())));
        ArrayNode time = node.putArray("time");
        ArrayNode macroF1 = node.putArray("macroF1");
        ArrayNode version = node.putArray("version");
        ArrayNode eventsPerSecond = node.putArray("eventsPerSecond");
        for (TrainingMetrics metrics : history) {
            time.add(metrics.getTimestamp().toEpochMilli());
            addNumber(macroF1, metrics.getMacroF1());
            version.add(metrics.getModelVersion());
            addNumber(eventsPerSecond, metrics.getEventsPerSecond());
        }
        writeLabelSeries(history, node.putObject("prevalence"), LabelMetrics::getPrevalence);
        writeLabelSeries(history, node.putObject("posWeight"), LabelMetrics::getPosWeight);
        writeLabelSeries(history, node.putObject("recall"), LabelMetrics::getRecall);
        if (history.stream().anyMatch(SeriesJson::hasLateLabels)) {
            ObjectNode join = node.putObject("labelJoin");
            writeSeries(history, join.putArray("waiting"), TrainingMetrics::getEventsWaiting);
            writeSeries(history, join.putArray("joined"), TrainingMetrics::getEventsJoined);
            writeSeries(history, join.putArray("expired"), TrainingMetrics::getEventsExpired);
            writeSeries(history, join.putArray("delayP50Ms"), TrainingMetrics::getLabelDelayP50Ms);
            writeSeries(history, join.putArray("delayP99Ms"), TrainingMetrics::getLabelDelayP99Ms);
        }
    }

    private static boolean hasLateLabels(TrainingMetrics metrics) {
        return Stream.of(metrics.getEventsWaiting(), metrics.getEventsJoined(), metrics.getEventsExpired())
                .anyMatch(count -> count != null && count > 0);
    }

    /** One figure per record, aligned with "time": null where a record lacks it. */
    private static void writeSeries(List<TrainingMetrics> history, ArrayNode series,
            Function<TrainingMetrics, ? extends Number> value) {
        for (TrainingMetrics metrics : history) {
            Number figure = value.apply(metrics);
            if (figure == null) {
                series.addNull();
            } else {
                addNumber(series, figure.doubleValue());
            }
        }
    }

    /** One array per label, aligned with "time": null where a record lacks the label. */
    private static void writeLabelSeries(List<TrainingMetrics> history, ObjectNode node, ToDoubleFunction<LabelMetrics> value) {
        Map<String, ArrayNode> byLabel = new TreeMap<>();
        for (int row = 0; row < history.size(); row++) {
            for (LabelMetrics label : history.get(row).getLabels()) {
                ArrayNode series = byLabel.computeIfAbsent(label.getName(), name -> node.putArray(name));
                while (series.size() < row) {
                    series.addNull();
                }
                addNumber(series, value.applyAsDouble(label));
            }
        }
        byLabel.values().forEach(series -> {
            while (series.size() < history.size()) {
                series.addNull();
            }
        });
    }

    private static void addNumber(ArrayNode array, double value) {
        if (Double.isFinite(value)) {
            array.add(value);
        } else {
            array.addNull();
        }
    }
}
