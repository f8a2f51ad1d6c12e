package dev.ballast.training;

import java.util.List;

/**
 * Prequential figures of one evaluation run: over the whole stream, or over its last {@code scoredEvents}.
 *
 * @param events every event read, learned from
 * @param scoredEvents the events the figures count (the last ones); per-label positives and prevalence are theirs
 */
public record EvaluationReport(long events, long scoredEvents, double macroF1, double microF1, double macroRecall, double macroPrecision,
        double macroAuprc, int collapsedLabels, long skippedSteps, double eventsPerSecond, double seconds,
        List<Label> labels) {

    /** One label's figures; {@code posWeight} and {@code threshold} are those in force at the end. */
    public record Label(String name, long positives, double prevalence, double posWeight, double threshold,
            double precision, double recall, double f1, double auprc, boolean collapsed) {
    }
}
