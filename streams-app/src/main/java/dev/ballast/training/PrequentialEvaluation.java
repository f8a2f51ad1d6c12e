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
import java.util.stream.IntStream;

/**
 * Runs a file (or any {@link ExampleSource}) once, in order, through an {@link OnlineTrainer}: every event is
 * predicted before it is learned from, so the figures are prequential. The metrics cover the whole stream (no
 * decay), or the part of it from a given event on: the learner still learns from every event, which compares
 * with a batch learner trained on the events before that point and tested on the rest. Optionally, the figures of
 * each consecutive window of events too: how quality moves along a drifting stream.
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
        return run(source, settings, scoreFrom, 0, progress);
    }

    /**
     * As {@link #run(ExampleSource, TrainerSettings, long, LongConsumer)}, with the figures of every window of
     * {@code windowEvents} events (the first from event 0) in the report; none when {@code windowEvents} is 0.
     */
    public static EvaluationReport run(ExampleSource source, TrainerSettings settings, long scoreFrom,
            long windowEvents, LongConsumer progress) {
        if (windowEvents < 0) {
            throw new IllegalArgumentException("windowEvents must not be negative, got " + windowEvents);
        }
        List<String> labelNames = source.labelNames();
        OnlineTrainer trainer = OnlineTrainer.create(
                settings.withMetricsHalfLife(Double.POSITIVE_INFINITY), source.featureCount(), labelNames);
        List<PrequentialMetrics> windows = new ArrayList<>();
        if (windowEvents > 0) {
            trainer.onScored(new WindowCounter(windowEvents, labelNames, settings.metricsBins(), windows));
        }
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
        return report(trainer, positives, events, skippedSteps, seconds, windows, windowEvents);
    }

    /** Scores each row into the metrics of its window, one fresh, undecayed set of metrics per window. */
    private record WindowCounter(long windowEvents, List<String> labelNames, int bins, List<PrequentialMetrics> windows)
            implements OnlineTrainer.ScoreListener {

        @Override
        public void scored(long firstEvent, float[] probabilities, float[] targets, int rows, float[] thresholds) {
            int labels = labelNames.size();
            float[] rowProbabilities = new float[labels];
            float[] rowTargets = new float[labels];
            for (int row = 0; row < rows; row++) {
                int window = Math.toIntExact((firstEvent + row) / windowEvents);
                while (windows.size() <= window) {
                    windows.add(new PrequentialMetrics(labelNames, bins, Double.POSITIVE_INFINITY));
                }
                // A batch may straddle two windows: each row goes to its own.
                System.arraycopy(probabilities, row * labels, rowProbabilities, 0, labels);
                System.arraycopy(targets, row * labels, rowTargets, 0, labels);
                windows.get(window).update(rowProbabilities, rowTargets, 1, thresholds);
            }
        }
    }

    private static int skipped(BatchOutcome outcome) {
        return outcome != null && outcome.step().skipped() ? 1 : 0;
    }

    private static EvaluationReport report(OnlineTrainer trainer, long[] positives, long events, long skippedSteps,
            double seconds, List<PrequentialMetrics> windows, long windowEvents) {
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
                seconds > 0 ? events / seconds : 0, seconds, labels, IntStream.range(0, windows.size())
                        .mapToObj(index -> new EvaluationReport.Window(index * windowEvents, windows.get(index).events(),
                                windows.get(index).macroF1(), windows.get(index).microF1(), windows.get(index).labels()))
                        .toList());
    }
}
