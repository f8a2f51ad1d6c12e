package dev.ballast.training;

import dev.ballast.evaluation.LabelReport;
import dev.ballast.evaluation.PrequentialMetrics;
import dev.ballast.io.Example;
import dev.ballast.io.ExampleSource;
import dev.ballast.io.Features;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs a file (or any {@link ExampleSource}) once, in order, through an {@link OnlineTrainer}: every event is
 * predicted before it is learned from, so the figures are prequential. The metrics cover the whole stream (no decay).
 */
public final class PrequentialEvaluation {

    private PrequentialEvaluation() {
    }

    /**
     * @param progress called with the number of events read, every few thousand events (may be a no-op)
     */
    public static EvaluationReport run(ExampleSource source, TrainerSettings settings, LongConsumer progress) {
        List<String> labelNames = source.labelNames();
        OnlineTrainer trainer = OnlineTrainer.create(
                settings.withMetricsHalfLife(Double.POSITIVE_INFINITY), source.featureCount(), labelNames);
        float[] targets = new float[labelNames.size()];
        long[] positives = new long[labelNames.size()];
        long events = 0;
        long skippedSteps = 0;
        long started = System.nanoTime();
        while (source.hasNext()) {
            Example example = source.next();
            Arrays.fill(targets, 0f);
            for (int label : example.positiveLabels()) {
                targets[label] = 1f;
                positives[label]++;
            }
            BatchOutcome outcome = example.features() instanceof Features.Dense dense
                    ? trainer.addDense(dense.values(), targets, example.importance())
                    : trainer.addSparse(((Features.Sparse) example.features()).indices(),
                            ((Features.Sparse) example.features()).values(), targets, example.importance());
            if (outcome != null && outcome.step().skipped()) {
                skippedSteps++;
            }
            events++;
            if (events % 4096 == 0) {
                progress.accept(events);
            }
        }
        BatchOutcome last = trainer.trainPending();
        if (last != null && last.step().skipped()) {
            skippedSteps++;
        }
        progress.accept(events);
        double seconds = (System.nanoTime() - started) / 1e9;
        return report(trainer, positives, events, skippedSteps, seconds);
    }

    private static EvaluationReport report(OnlineTrainer trainer, long[] positives, long events, long skippedSteps,
            double seconds) {
        PrequentialMetrics metrics = trainer.metrics();
        float[] posWeights = trainer.positiveWeights();
        float[] thresholds = trainer.thresholds();
        List<EvaluationReport.Label> labels = new ArrayList<>();
        for (int label = 0; label < trainer.labelNames().size(); label++) {
            LabelReport report = metrics.label(label);
            labels.add(new EvaluationReport.Label(trainer.labelNames().get(label), positives[label],
                    events == 0 ? 0 : (double) positives[label] / events, posWeights[label], thresholds[label],
                    report.precision(), report.recall(), report.f1(), report.auprc(), report.collapsed()));
        }
        return new EvaluationReport(events, metrics.macroF1(), metrics.microF1(), metrics.macroRecall(),
                metrics.macroPrecision(), metrics.macroAuprc(), metrics.collapsedLabels(), skippedSteps,
                seconds > 0 ? events / seconds : 0, seconds, labels);
    }
}
