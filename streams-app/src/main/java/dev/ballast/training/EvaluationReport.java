package dev.ballast.training;

import dev.ballast.evaluation.LabelReport;
import java.util.List;

/**
 * Prequential figures of one evaluation run: over the whole stream, or over its last {@code scoredEvents}.
 *
 * @param events every event read, learned from
 * @param scoredEvents the events the figures count (the last ones); per-label positives and prevalence are theirs
 * @param windows figures per consecutive window of events, in order; empty unless windows were asked for
 */
public record EvaluationReport(long events, long scoredEvents, double macroF1, double microF1, double macroRecall, double macroPrecision,
        double macroAuprc, int collapsedLabels, long skippedSteps, double eventsPerSecond, double seconds,
        List<Label> labels, List<Window> windows) {

    /** One label's figures; {@code posWeight} and {@code threshold} are those in force at the end. */
    public record Label(String name, long positives, double prevalence, double posWeight, double threshold,
            double precision, double recall, double f1, double auprc, boolean collapsed) {
    }

    /**
     * The prequential figures of the events from {@code firstEvent} to {@code firstEvent + events - 1}, counted
     * afresh for the window: each label's confusion counts are whole events there.
     */
    public record Window(long firstEvent, long events, double macroF1, double microF1, List<LabelReport> labels) {
    }
}
