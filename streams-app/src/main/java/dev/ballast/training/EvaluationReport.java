package dev.ballast.training;

import java.util.List;

/** Whole-stream prequential figures of one evaluation run. */
public record EvaluationReport(long events, double macroF1, double microF1, double macroRecall, double macroPrecision,
        double macroAuprc, int collapsedLabels, long skippedSteps, double eventsPerSecond, double seconds,
        List<Label> labels) {

    /** One label's figures; {@code posWeight} and {@code threshold} are those in force at the end. */
    public record Label(String name, long positives, double prevalence, double posWeight, double threshold,
            double precision, double recall, double f1, double auprc, boolean collapsed) {
    }
}
