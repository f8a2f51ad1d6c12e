package dev.ballast.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.schema.AlertKind;
import dev.ballast.schema.TrainingMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

class PrometheusExpositionTest {

    private static FeedView view() {
        ModelView model = new ModelView("fraud", null,
                List.of(Fixtures.metrics("fraud", 3, 1_700_000_000_000L, Map.of("spam", 0.02, "urgent", 0.25))),
                Map.of(AlertKind.PREVALENCE_SHIFT, 2L));
        return new FeedView(Map.of("fraud", model), List.of(), 7);
    }

    @Test
    void shouldWriteEveryBallastFigurePerModelAndLabel() {
        String text = PrometheusExposition.render(view(), Map.of());
        ExpositionParser.Exposition parsed = ExpositionParser.parse(text);
        for (String family : List.of("ballast_label_prevalence", "ballast_label_positive_weight", "ballast_label_threshold",
                "ballast_label_precision", "ballast_label_recall", "ballast_label_f1", "ballast_label_pr_auc")) {
            assertTrue(parsed.value(family, Map.of("model", "fraud", "label", "spam")).isPresent(), family);
            assertTrue(parsed.value(family, Map.of("model", "fraud", "label", "urgent")).isPresent(), family);
            assertEquals("gauge", parsed.types().get(family));
        }
        assertEquals(0.02, parsed.value("ballast_label_prevalence", Map.of("model", "fraud", "label", "spam")).orElseThrow());
        assertEquals(0.3, parsed.value("ballast_label_threshold", Map.of("model", "fraud", "label", "urgent")).orElseThrow());
        assertEquals(3.0, parsed.value("ballast_model_version", Map.of("model", "fraud")).orElseThrow());
        assertEquals(3000.0, parsed.value("ballast_events_trained_total", Map.of("model", "fraud")).orElseThrow());
        assertEquals("counter", parsed.types().get("ballast_events_trained_total"));
        assertEquals(2.0, parsed.value("ballast_alerts_total", Map.of("model", "fraud", "kind", "prevalence_shift")).orElseThrow());
        assertEquals(0.0, parsed.value("ballast_alerts_total", Map.of("model", "fraud", "kind", "minority_recall_drop")).orElseThrow());
        assertEquals(7.0, parsed.value("ballast_dead_letters_total", Map.of()).orElseThrow());
        assertEquals(2500.0, parsed.value("ballast_events_per_second", Map.of("model", "fraud")).orElseThrow());
    }

    @Test
    void shouldExposeTheLateLabelFiguresWhenTheMetricsCarryThem() {
        TrainingMetrics metrics = Fixtures.metrics("fraud", 3, 1_700_000_000_000L, Map.of("spam", 0.02));
        assertFalse(PrometheusExposition.render(view(metrics), Map.of()).contains("ballast_events_waiting"),
                "metrics of a Ballast that joins no labels have none");
        metrics.setEventsWaiting(12L);
        metrics.setEventsJoined(340L);
        metrics.setEventsExpired(5L);
        metrics.setOrphanLabels(2L);
        metrics.setLabelDelayP50Ms(1_500.0);
        metrics.setLabelDelayP99Ms(60_000.0);

        ExpositionParser.Exposition parsed = ExpositionParser.parse(PrometheusExposition.render(view(metrics), Map.of()));

        Map<String, String> model = Map.of("model", "fraud");
        assertEquals(12.0, parsed.value("ballast_events_waiting", model).orElseThrow());
        assertEquals(340.0, parsed.value("ballast_events_joined_total", model).orElseThrow());
        assertEquals("counter", parsed.types().get("ballast_events_joined_total"));
        assertEquals(5.0, parsed.value("ballast_events_expired_total", model).orElseThrow());
        assertEquals(2.0, parsed.value("ballast_orphan_labels_total", model).orElseThrow());
        assertEquals(1.5, parsed.value("ballast_label_delay_seconds", Map.of("model", "fraud", "quantile", "0.5")).orElseThrow());
        assertEquals(60.0, parsed.value("ballast_label_delay_seconds", Map.of("model", "fraud", "quantile", "0.99")).orElseThrow());
    }

    private static FeedView view(TrainingMetrics metrics) {
        return new FeedView(Map.of("fraud", new ModelView("fraud", null, List.of(metrics), Map.of())), List.of(), 0);
    }

    @Test
    void shouldSanitiseKafkaMetricNamesAndKeepTagsAsEscapedLabels() {
        try (Metrics metrics = new Metrics()) {
            metrics.addMetric(metrics.metricName("process-rate", "stream-thread-metrics", "records per second",
                    Map.of("thread-id", "app \"1\"\\x")), (Measurable) (config, now) -> 12.5);
            metrics.addMetric(metrics.metricName("process-total", "stream-thread-metrics", "records processed",
                    Map.of("thread-id", "t")), (Measurable) (config, now) -> 40);
            metrics.addMetric(metrics.metricName("idle-ratio", "stream-thread-metrics", "no samples yet", Map.of()),
                    (Measurable) (config, now) -> Double.NaN);
            metrics.addMetric(metrics.metricName("max-lag", "consumer-fetch-manager-metrics", "", Map.of()),
                    (Measurable) (config, now) -> Double.NEGATIVE_INFINITY);
            metrics.addMetric(metrics.metricName("commit-id", "app-info", "", Map.of()), (Gauge<String>) (config, now) -> "abc");

            String text = PrometheusExposition.render(new FeedView(Map.of(), List.of(), 0), metrics.metrics());

            ExpositionParser.Exposition parsed = ExpositionParser.parse(text);
            assertEquals(12.5, parsed.value("kafka_stream_thread_metrics_process_rate", Map.of("thread_id", "app \"1\"\\x"))
                    .orElseThrow());
            assertTrue(text.contains("thread_id=\"app \\\"1\\\"\\\\x\""), text);
            assertEquals("counter", parsed.types().get("kafka_stream_thread_metrics_process_total"));
            assertEquals("gauge", parsed.types().get("kafka_stream_thread_metrics_process_rate"));
            assertTrue(Double.isNaN(parsed.value("kafka_stream_thread_metrics_idle_ratio", Map.of()).orElseThrow()));
            assertEquals(Double.NEGATIVE_INFINITY, parsed.value("kafka_consumer_fetch_manager_metrics_max_lag", Map.of()).orElseThrow());
            assertFalse(text.contains("commit_id"), "non-numeric metrics are left out");
        }
    }

    @Test
    void shouldFormatIntegralValuesWithoutAFractionAndOthersAsGoParses() {
        assertEquals("42", PrometheusExposition.formatValue(42.0));
        assertEquals("1.0E-4", PrometheusExposition.formatValue(1e-4));
        assertEquals("+Inf", PrometheusExposition.formatValue(Double.POSITIVE_INFINITY));
        assertEquals("NaN", PrometheusExposition.formatValue(Double.NaN));
        assertEquals("_9lives_x", PrometheusExposition.sanitize("9lives.x"));
    }
}
