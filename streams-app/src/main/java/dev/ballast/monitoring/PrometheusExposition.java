package dev.ballast.monitoring;

import dev.ballast.schema.AlertKind;
import dev.ballast.schema.LabelMetrics;
import dev.ballast.schema.TrainingMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Writes Ballast's figures and Kafka's client metrics in the Prometheus text exposition format, version 0.0.4: per
 * family one {@code # HELP} and one {@code # TYPE} line, then its samples. Kafka metrics become
 * {@code kafka_<group>_<name>} with their tags as labels; only numeric ones are written.
 */
final class PrometheusExposition {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern INVALID_NAME_CHARACTERS = Pattern.compile("[^a-zA-Z0-9_]");

    private record Family(String help, String type, List<String> samples) {
    }

    private final Map<String, Family> families = new TreeMap<>();
    private final Set<String> series = new HashSet<>();

    private PrometheusExposition() {
    }

    /**
     * @param view         Ballast's figures
     * @param kafkaMetrics Kafka Streams' metrics ({@code KafkaStreams::metrics}), including its clients'
     * @return the exposition, one line per family header or sample
     */
    static String render(FeedView view, Map<MetricName, ? extends Metric> kafkaMetrics) {
        PrometheusExposition exposition = new PrometheusExposition();
        exposition.addBallast(view);
        kafkaMetrics.values().forEach(exposition::addKafka);
        return exposition.text();
    }

    private void addBallast(FeedView view) {
        sample("ballast_dead_letters_total", "counter", "Records on the dead-letter topic.", Map.of(), view.deadLetters());
        for (ModelView model : view.models().values()) {
            Map<String, String> modelLabel = Map.of("model", model.modelId());
            sample("ballast_model_version", "gauge", "Latest published model snapshot version.", modelLabel, model.version());
            for (AlertKind kind : AlertKind.values()) {
                sample("ballast_alerts_total", "counter", "Imbalance alerts raised, by kind.",
                        labels("model", model.modelId(), "kind", kind.name().toLowerCase(Locale.ROOT)),
                        model.alertCounts().getOrDefault(kind, 0L));
            }
            model.latestMetrics().ifPresent(metrics -> addMetrics(modelLabel, metrics));
        }
    }

    private void addMetrics(Map<String, String> modelLabel, TrainingMetrics metrics) {
        sample("ballast_events_trained_total", "counter", "Valid events counted by the model.", modelLabel, metrics.getEventsTrained());
        sample("ballast_events_per_second", "gauge", "Training throughput between the last two metrics records.", modelLabel,
                metrics.getEventsPerSecond());
        sample("ballast_macro_f1", "gauge", "Mean of the per-label prequential F1.", modelLabel, metrics.getMacroF1());
        sample("ballast_micro_f1", "gauge", "Prequential F1 over all labels' pooled counts.", modelLabel, metrics.getMicroF1());
        sample("ballast_weighted_loss", "gauge", "Mean weighted binary cross-entropy of the recent steps.", modelLabel,
                metrics.getWeightedLoss());
        sample("ballast_unweighted_loss", "gauge", "Mean plain binary cross-entropy of the recent steps.", modelLabel,
                metrics.getUnweightedLoss());
        sample("ballast_collapsed_labels", "gauge", "Labels with recent positives but no positive prediction.", modelLabel,
                metrics.getCollapsedLabels());
        sample("ballast_metrics_timestamp_seconds", "gauge", "When the latest metrics record was taken (Unix time).",
                modelLabel, metrics.getTimestamp().toEpochMilli() / 1000.0);
        addJoin(modelLabel, metrics);
        for (LabelMetrics label : metrics.getLabels()) {
            Map<String, String> labelLabels = labels("model", modelLabel.get("model"), "label", label.getName());
            labelSample("ballast_label_prevalence", "Decayed share of events with this label positive.", labelLabels, label,
                    LabelMetrics::getPrevalence);
            labelSample("ballast_label_positive_weight", "Positive-class weight in force.", labelLabels, label,
                    LabelMetrics::getPosWeight);
            labelSample("ballast_label_threshold", "Decision threshold in force.", labelLabels, label, LabelMetrics::getThreshold);
            labelSample("ballast_label_precision", "Prequential precision (decayed counts).", labelLabels, label,
                    LabelMetrics::getPrecision);
            labelSample("ballast_label_recall", "Prequential recall (decayed counts).", labelLabels, label, LabelMetrics::getRecall);
            labelSample("ballast_label_f1", "Prequential F1 (decayed counts).", labelLabels, label, LabelMetrics::getF1);
            labelSample("ballast_label_pr_auc", "Streaming estimate of the area under the precision-recall curve.",
                    labelLabels, label, LabelMetrics::getAuprc);
            labelSample("ballast_label_support", "Decayed positives behind the label's figures.", labelLabels, label,
                    LabelMetrics::getSupport);
        }
    }

    /** The late-label join's figures; absent from the metrics of a Ballast that does not join labels. */
    private void addJoin(Map<String, String> modelLabel, TrainingMetrics metrics) {
        if (metrics.getEventsWaiting() == null) {
            return;
        }
        sample("ballast_events_waiting", "gauge", "Unlabelled events scored and waiting for their labels.", modelLabel,
                metrics.getEventsWaiting());
        sample("ballast_events_joined_total", "counter", "Unlabelled events joined with their late labels and trained.",
                modelLabel, metrics.getEventsJoined());
        sample("ballast_events_expired_total", "counter", "Unlabelled events whose labels never came within the delay.",
                modelLabel, metrics.getEventsExpired());
        sample("ballast_orphan_labels_total", "counter", "Labels dead-lettered: no event within the delay, or duplicates.",
                modelLabel, metrics.getOrphanLabels());
        if (metrics.getLabelDelayP50Ms() != null) {
            sample("ballast_label_delay_seconds", "gauge", "Delay from an event to its labels over the joined events.",
                    labels("model", modelLabel.get("model"), "quantile", "0.5"), metrics.getLabelDelayP50Ms() / 1000.0);
            sample("ballast_label_delay_seconds", "gauge", "Delay from an event to its labels over the joined events.",
                    labels("model", modelLabel.get("model"), "quantile", "0.99"), metrics.getLabelDelayP99Ms() / 1000.0);
        }
    }

    private void labelSample(String name, String help, Map<String, String> labels, LabelMetrics label,
                             ToDoubleFunction<LabelMetrics> value) {
        sample(name, "gauge", help, labels, value.applyAsDouble(label));
    }

    private void addKafka(Metric metric) {
        if (!(metric.metricValue() instanceof Number number)) {
            return;
        }
        MetricName metricName = metric.metricName();
        String name = "kafka_" + sanitize(metricName.group()) + "_" + sanitize(metricName.name());
        Map<String, String> labels = new TreeMap<>();
        metricName.tags().forEach((tag, value) -> labels.put(sanitize(tag), value));
        String help = metricName.description().isBlank() ? metricName.group() + " " + metricName.name() : metricName.description();
        sample(name, metricName.name().endsWith("-total") ? "counter" : "gauge", help, labels, number.doubleValue());
    }

    private static Map<String, String> labels(String... namesAndValues) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            labels.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return labels;
    }

    /** Adds one sample; the first help and type of a family win, and a series already written is not written again. */
    private void sample(String name, String type, String help, Map<String, String> labels, double value) {
        StringBuilder line = new StringBuilder(name);
        if (!labels.isEmpty()) {
            line.append('{');
            labels.forEach((label, labelValue) -> line.append(label).append("=\"").append(escapeLabelValue(labelValue)).append("\","));
            line.setCharAt(line.length() - 1, '}');
        }
        if (!series.add(line.toString())) {
            return;
        }
        line.append(' ').append(formatValue(value));
        families.computeIfAbsent(name, family -> new Family(help, type, new ArrayList<>())).samples().add(line.toString());
    }

    private String text() {
        StringBuilder text = new StringBuilder();
        families.forEach((name, family) -> {
            text.append("# HELP ").append(name).append(' ').append(escapeHelp(family.help())).append('\n');
            text.append("# TYPE ").append(name).append(' ').append(family.type()).append('\n');
            family.samples().forEach(sample -> text.append(sample).append('\n'));
        });
        return text.toString();
    }

    static String sanitize(String name) {
        String sanitized = INVALID_NAME_CHARACTERS.matcher(name).replaceAll("_");
        return sanitized.isEmpty() || Character.isDigit(sanitized.charAt(0)) ? "_" + sanitized : sanitized;
    }

    static String formatValue(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    private static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
