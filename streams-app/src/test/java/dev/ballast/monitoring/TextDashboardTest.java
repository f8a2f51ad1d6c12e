package dev.ballast.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.schema.AlertKind;
import dev.ballast.schema.TrainingMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextDashboardTest {

    @Test
    void shouldDrawARisingSparklineWithAnUpArrowWhenPrevalenceGrows() {
        assertEquals("▁▄▇█ ↑", TextDashboard.trend(new double[] {0.01, 0.02, 0.03, 0.035}));
        assertEquals("█▁ ↓", TextDashboard.trend(new double[] {0.2, 0.1}));
        assertEquals("▁▁▁ →", TextDashboard.trend(new double[] {0.05, 0.05, 0.05}));
        assertEquals("▁", TextDashboard.trend(new double[] {0.05}));
    }

    @Test
    void shouldShowEveryLabelWithItsTrendAndTheModelsAlerts() {
        List<TrainingMetrics> history = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            history.add(Fixtures.metrics("fraud", i + 1, 1_700_000_000_000L + i * 1000L,
                    Map.of("spam", 0.01 * (i + 1), "urgent", 0.3)));
        }
        ModelView fraud = new ModelView("fraud", null, history, Map.of(AlertKind.PREVALENCE_SHIFT, 1L));
        ModelView other = new ModelView("other", null, history.subList(0, 1), Map.of());
        FeedView view = new FeedView(Map.of("fraud", fraud, "other", other),
                List.of(Fixtures.alert("fraud", "spam", AlertKind.PREVALENCE_SHIFT, "spam prevalence 1% -> 10%")), 4);

        String text = TextDashboard.render(view, "fraud");

        assertTrue(text.contains("model fraud  version 20"), text);
        assertFalse(text.contains("model other"), text);
        String spam = text.lines().filter(line -> line.trim().startsWith("spam ")).findFirst().orElseThrow();
        assertTrue(spam.contains("20.00%") && spam.contains("↑"), spam);
        assertEquals(TextDashboard.TREND_LENGTH, spam.chars().filter(c -> "▁▂▃▄▅▆▇█".indexOf(c) >= 0).count(), spam);
        assertTrue(text.lines().anyMatch(line -> line.trim().startsWith("urgent ") && line.contains("→")), text);
        assertTrue(text.contains("dead letters 4  alerts 1"), text);
        assertTrue(text.contains("spam prevalence 1% -> 10%"), text);
        assertTrue(text.contains("alerts: prevalence shift 1"), text);
    }

    @Test
    void shouldShowTheLateLabelFiguresOnceTheModelServedAnUnlabelledEvent() {
        TrainingMetrics metrics = Fixtures.metrics("fraud", 2, 1_700_000_000_000L, Map.of("spam", 0.02));
        metrics.setEventsWaiting(0L);
        metrics.setEventsJoined(0L);
        metrics.setEventsExpired(0L);
        metrics.setOrphanLabels(0L);
        FeedView view = new FeedView(Map.of("fraud", new ModelView("fraud", null, List.of(metrics), Map.of())), List.of(), 0);
        assertFalse(TextDashboard.render(view, "fraud").contains("late labels"), "nothing served unlabelled yet");

        metrics.setEventsWaiting(1_200L);
        metrics.setEventsJoined(34_000L);
        metrics.setEventsExpired(7L);
        metrics.setLabelDelayP50Ms(2_500.0);
        metrics.setLabelDelayP99Ms(5_400_000.0);
        String text = TextDashboard.render(view, "fraud");

        assertTrue(text.contains("late labels: waiting 1,200  joined 34,000  expired 7  orphan labels 0  delay p50 2.5 s"
                + "  p99 90.0 min"), text);
    }

    @Test
    void shouldSayThereIsNothingYetWhenTheModelHasNoMetrics() {
        String text = TextDashboard.render(new FeedView(Map.of(), List.of(), 0), "fraud");
        assertTrue(text.startsWith("No metrics for model fraud yet."), text);
    }
}
