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
 * predicted before it is learned from, so the figures are prequential. The metrics cover the whole stream (no
 * decay), or the part of it from a given event on: the learner still learns from every event, which compares
 * with a batch learner trained on the events before that point and tested on the rest.
 */
public final class PrequentialEvaluation {

    private PrequentialEvaluation() {
    }

    /** The whole stream scored. */
    public static EvaluationReport run(ExampleSource source, TrainerSettings settings, LongConsumer progress) {
        return run(source, settings, 0, progress);
    }

    /**
     * @param scoreFrom the 0-based index of the first event counted in the metrics (and in the report's events
     *     and per-label positives); the events before it are predicted and learned from as usual
     * @param progress called with the number of events read, every few thousand events (may be a no-op)
     */
    public static EvaluationReport run(ExampleSource source, TrainerSettings settings, long scoreFrom,
            LongConsumer progress) {
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
            if (events == scoreFrom && scoreFrom > 0) {
                // The events before are learned from in full, then scoring starts on a fresh count.
                skippedSteps += skipped(trainer.trainPending());
                trainer.restartMetrics();
            }
            Arrays.fill(targets, 0f);
            for (int label : example.positiveLabels()) {
                targets[label] = 1f;
                if (events >= scoreFrom) {
                    positives[label]++;
                }
            }
            BatchOutcome outcome = example.features() instanceof Features.Dense dense
                    ? trainer.addDense(dense.values(), targets, example.importance())
                    : trainer.addSparse(((Features.Sparse) example.features()).indices(),
                            ((Features.Sparse) example.features()).values(), targets, example.importance());
            skippedSteps += skipped(outcome);
            events++;
            if (events % 4096 == 0) {
                progress.accept(events);
            }
        }
        skippedSteps += skipped(trainer.trainPending());
        progress.accept(events);
        double seconds = (System.nanoTime() - started) / 1e9;
        return report(trainer, positives, events, skippedSteps, seconds);
    }

    private static int skipped(BatchOutcome outcome) {
        return outcome != null && outcome.step().skipped() ? 1 : 0;
    }

    private static EvaluationReport report(OnlineTrainer trainer, long[] positives, long events, long skippedSteps,
            double seconds) {
        PrequentialMetrics metrics = trainer.metrics();
        long scored = metrics.events();
        float[] posWeights = trainer.positiveWeights();
        float[] thresholds = trainer.thresholds();
        List<EvaluationReport.Label> labels = new ArrayList<>();
        for (int label = 0; label < trainer.labelNames().size(); label++) {
            LabelReport report = metrics.label(label);
            labels.add(new EvaluationReport.Label(trainer.labelNames().get(label), positives[label],
                    scored == 0 ? 0 : (double) positives[label] / scored, posWeights[label], thresholds[label],
                    report.precision(), report.recall(), report.f1(), report.auprc(), report.collapsed()));
        }
        return new EvaluationReport(events, scored, metrics.macroF1(), metrics.microF1(), metrics.macroRecall(),
                metrics.macroPrecision(), metrics.macroAuprc(), metrics.collapsedLabels(), skippedSteps,
                seconds > 0 ? events / seconds : 0, seconds, labels);
    }
}
