package dev.ballast.training;

import dev.ballast.evaluation.drift.ImbalanceMonitor;
import dev.ballast.evaluation.drift.ImbalanceSignal;
import dev.ballast.evaluation.drift.PrevalenceCusum;
import dev.ballast.evaluation.PrequentialMetrics;
import dev.ballast.evaluation.ThresholdTuner;
import dev.ballast.learning.IncompatibleStateException;
import dev.ballast.learning.LabelStacking;
import dev.ballast.learning.MiniBatch;
import dev.ballast.learning.Models;
import dev.ballast.learning.ModelType;
import dev.ballast.learning.MultiLabelModel;
import dev.ballast.learning.NegativeSampling;
import dev.ballast.learning.ObjectiveSettings;
import dev.ballast.learning.ParameterTensor;
import dev.ballast.learning.StepResult;
import dev.ballast.learning.WeightedBinaryCrossEntropy;
import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedModelState;
import dev.ballast.schema.state.SavedRow;
import dev.ballast.weighting.DecayedLabelStatistics;
import dev.ballast.weighting.WeightPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Prequential online training of one multi-label model: test on each mini-batch, then train on it.
 *
 * <p>Per full mini-batch, in this order: take the loss's logit offsets from the decayed priors (logit adjustment,
 * see {@link ObjectiveSettings}); compute the batch's logits with the current model; then, in {@value #DECISION_PARTS}
 * parts of the batch: score each event with the score offsets of the priors as they stand just before it and add its
 * labels to the decayed label counts; decide the events with the thresholds in force; update the metrics, the drift
 * detectors and the threshold tuner with those scores (so no threshold, prior or metric ever sees the label of an
 * event before the event was decided); run the shift detector on those events' labels against the priors before
 * the batch, a label whose prevalence it saw shift forgetting most of its counts and score histograms. Then turn the
 * counts into per-label weights; take one optimiser step on the objective with the loss offsets (with negative
 * sampling's weights, when on); and, with label stacking on, one step of the second stage on the scores it made of
 * the batch. Not thread-safe: one trainer per model id, driven by one thread.
 */
public final class OnlineTrainer {

    /** As the model's bias initialisation: priors are clamped to [1e-4, 1 - 1e-4] before their log-odds. */
    private static final double PRIOR_CLAMP = 1e-4;
    private static final double MIN_INVERSE_ODDS = PRIOR_CLAMP / (1 - PRIOR_CLAMP);
    private static final double MAX_INVERSE_ODDS = (1 - PRIOR_CLAMP) / PRIOR_CLAMP;
    /**
     * Within a mini-batch, the thresholds, the prequential metrics and the detectors advance {@value #DECISION_PARTS}
     * times (after each half of its events, the first half rounded up), and the priors of the score adjustment after
     * every event: a batch's later events are decided with what its earlier events' labels taught, while the model's
     * parameters step once per batch (docs/evaluation.md, "Decisions within a mini-batch"). Each part costs a search of
     * the thresholds, so the parts are few.
     */
    static final int DECISION_PARTS = 2;

    private final TrainerSettings settings;
    private final List<String> labelNames;
    private final MultiLabelModel model;
    private final MiniBatch pending;
    private final DecayedLabelStatistics labelStatistics;
    private final WeightPolicy weightPolicy;
    private PrequentialMetrics metrics;
    private final ThresholdTuner thresholdTuner;
    private final ImbalanceMonitor imbalanceMonitor;
    /** The detector that cuts a label's memory on a prevalence shift; null when the cut is off or follows the monitor. */
    private final PrevalenceCusum shiftCusum;
    private final double[] shiftPriors;
    private final double[] shiftPriorEvents;

    private final float[] probabilities;
    private final float[] targets;
    private final float[] positiveWeights;
    private final float[] negativeWeights;
    private final double[] prevalences;
    /**
     * Per pending row, the probabilities it was served when it was scored before its labels came (a late-labelled
     * event), or null: its prequential test uses those, not a re-prediction by the newer model.
     */
    private final float[][] servedRows;
    /** Per label, added to the logit in the loss and when scoring: logit adjustment by the priors. */
    private final float[] logitOffsets;
    private final float[] scoreOffsets;
    private final ObjectiveSettings objective;
    /** The second stage over all labels' scores, null when label stacking is off. */
    private final LabelStacking labelStage;
    /** Null when every negative is trained on. */
    private final NegativeSampling negativeSampling;
    private final float[] elementWeights;
    private final float[] rowImportances;
    /** One part of the batch's probabilities and targets (see {@link #DECISION_PARTS}), as the detectors read them. */
    private final float[] partProbabilities;
    private final float[] partTargets;

    private long eventsTrained;
    private StepResult lastStep;
    private ScoreListener scoreListener;

    /** Receives every scored mini-batch as the prequential metrics see it (e.g. for figures over windows of events). */
    @FunctionalInterface
    public interface ScoreListener {
        /**
         * @param firstEvent the 0-based index, among the events trained, of the batch's first row
         * @param probabilities row-major {@code [row * labelCount + label]}, the scores the batch was decided with
         * @param targets row-major like {@code probabilities}, 1 positive and 0 negative
         * @param rows the rows of the batch
         * @param thresholds per label, the thresholds that decided the batch
         */
        void scored(long firstEvent, float[] probabilities, float[] targets, int rows, float[] thresholds);
    }

    private OnlineTrainer(TrainerSettings settings, List<String> labelNames, MultiLabelModel model, MiniBatch pending,
            DecayedLabelStatistics labelStatistics, PrequentialMetrics metrics, ThresholdTuner thresholdTuner,
            ImbalanceMonitor imbalanceMonitor, PrevalenceCusum shiftCusum, long eventsTrained, LabelStacking labelStage) {
        this.settings = settings;
        this.labelNames = List.copyOf(labelNames);
        this.model = model;
        this.pending = pending;
        this.labelStatistics = labelStatistics;
        this.weightPolicy = new WeightPolicy(settings.weighting());
        this.metrics = metrics;
        this.thresholdTuner = thresholdTuner;
        this.imbalanceMonitor = imbalanceMonitor;
        this.shiftCusum = shiftCusum;
        this.eventsTrained = eventsTrained;
        int labels = labelNames.size();
        this.probabilities = new float[pending.capacity() * labels];
        this.targets = new float[pending.capacity() * labels];
        this.positiveWeights = new float[labels];
        this.negativeWeights = new float[labels];
        this.prevalences = new double[labels];
        this.shiftPriors = new double[labels];
        this.shiftPriorEvents = new double[labels];
        this.servedRows = new float[pending.capacity()][];
        this.logitOffsets = new float[labels];
        this.scoreOffsets = new float[labels];
        this.objective = settings.learning().objective();
        this.labelStage = labelStage;
        this.negativeSampling = settings.negativeSamplingRate() < 1
                ? new NegativeSampling(settings.negativeSamplingRate(), settings.learning().seed())
                : null;
        this.elementWeights = new float[pending.capacity() * labels];
        this.rowImportances = new float[pending.capacity()];
        this.partProbabilities = new float[pending.capacity() * labels];
        this.partTargets = new float[pending.capacity() * labels];
        weightPolicy.weights(labelStatistics, positiveWeights, negativeWeights);
    }

    /** A fresh trainer for a model of {@code featureCount} inputs and the given labels. */
    public static OnlineTrainer create(TrainerSettings settings, int featureCount, List<String> labelNames) {
        if (labelNames.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one label");
        }
        int labels = labelNames.size();
        return new OnlineTrainer(settings, labelNames,
                Models.create(featureCount, labels, settings.learning()),
                new MiniBatch(settings.batchSize(), featureCount, labels),
                new DecayedLabelStatistics(labels, settings.weightingHalfLifeEvents()),
                new PrequentialMetrics(labelNames, settings.metricsBins(), settings.metricsHalfLifeEvents()),
                new ThresholdTuner(labels, settings.thresholds()),
                settings.driftDetection() ? new ImbalanceMonitor(labelNames, settings.detectors()) : null,
                freshShiftCusum(settings, labels), 0, freshLabelStage(settings, labels));
    }

    /** Adds a dense event; trains and returns the outcome when it completes a mini-batch, else null. */
    public BatchOutcome addDense(float[] features, float[] eventTargets, float importance) {
        return addDense(features, eventTargets, importance, null);
    }

    /**
     * Adds a dense event that was scored before its labels came: {@code served} (one probability per label, or null)
     * is what its prequential test uses. Trains and returns the outcome when it completes a mini-batch, else null.
     */
    public BatchOutcome addDense(float[] features, float[] eventTargets, float importance, float[] served) {
        servedRows[pending.size()] = served;
        pending.addDense(features, eventTargets, importance);
        return pending.size() >= settings.batchSizeAfter(eventsTrained) ? trainPending() : null;
    }

    /** Adds a sparse event; trains and returns the outcome when it completes a mini-batch, else null. */
    public BatchOutcome addSparse(int[] indices, float[] values, float[] eventTargets, float importance) {
        return addSparse(indices, values, eventTargets, importance, null);
    }

    /** As {@link #addDense(float[], float[], float, float[])}, for a sparse event. */
    public BatchOutcome addSparse(int[] indices, float[] values, float[] eventTargets, float importance, float[] served) {
        servedRows[pending.size()] = served;
        pending.addSparse(indices, values, eventTargets, importance);
        return pending.size() >= settings.batchSizeAfter(eventsTrained) ? trainPending() : null;
    }

    /** Tests and trains on the pending events now, even if fewer than a batch (end of input). Null if none. */
    public BatchOutcome trainPending() {
        int rows = pending.size();
        if (rows == 0) {
            return null;
        }
        int labels = labelNames.size();
        for (int row = 0; row < rows; row++) {
            for (int label = 0; label < labels; label++) {
                targets[row * labels + label] = pending.target(row, label);
            }
        }
        // The loss's offsets come from the priors before the batch; each row's score from the priors just before it.
        refreshOffsets();
        model.logits(pending, probabilities);
        if (shiftCusum != null) {
            // Every row of the batch is tested against the priors before it (a label that fires leaves the rest out).
            for (int label = 0; label < labels; label++) {
                shiftPriors[label] = prior(label);
                shiftPriorEvents[label] = labelStatistics.total(label);
            }
            shiftCusum.begin(shiftPriors, shiftPriorEvents);
        }
        boolean scored = true;
        List<ImbalanceSignal> signals = new ArrayList<>();
        int part = (rows + DECISION_PARTS - 1) / DECISION_PARTS;
        for (int from = 0; from < rows; from += part) {
            scored &= decidePart(from, Math.min(rows, from + part), labels, signals);
        }
        // The smoothed prior, as the logit offsets use: a first batch of a few events with no positive of a label
        // would otherwise start its bias at the clamp (log-odds of 1e-4), far below any real prevalence.
        for (int label = 0; label < labels; label++) {
            prevalences[label] = prior(label);
        }
        if (objective.trainAdjustment() != 0 && model.steps() == 0) {
            // The loss sees bias + trainAdjustment * log-odds: the bias starts where that sum is the log-odds.
            for (int label = 0; label < labels; label++) {
                prevalences[label] = sigmoid((1 - objective.trainAdjustment()) * logOdds(prevalences[label]));
            }
        }
        model.initialiseBiasFromPrior(prevalences);
        weightPolicy.weights(labelStatistics, positiveWeights, negativeWeights);
        if (negativeSampling != null) {
            negativeSampling.weights(targets, rows, labels, eventsTrained, elementWeights);
            pending.setElementWeights(elementWeights);
        }
        lastStep = model.learn(pending, positiveWeights, negativeWeights, logitOffsets, settings.gradientScale(rows));
        if (labelStage != null) {
            for (int row = 0; row < rows; row++) {
                rowImportances[row] = pending.importance(row);
            }
            labelStage.learn(targets, rowImportances, positiveWeights, negativeWeights);
        }
        eventsTrained += rows;
        pending.clear();
        return new BatchOutcome(rows, lastStep, scored, List.copyOf(signals));
    }

    /**
     * Scores rows {@code from} to {@code to} of the pending batch (each with the priors after the rows before it),
     * decides them with the thresholds in force, and feeds the metrics, the detectors and the threshold tuner.
     *
     * @return whether the part was scored (its scores finite)
     */
    private boolean decidePart(int from, int to, int labels, List<ImbalanceSignal> signals) {
        for (int row = from; row < to; row++) {
            scoreRow(row, labels);
            labelStatistics.observe(targets, row * labels);
        }
        if (labelStage != null) {
            labelStage.apply(probabilities, from, to);
        }
        for (int row = from; row < to; row++) {
            if (servedRows[row] != null) {
                System.arraycopy(servedRows[row], 0, probabilities, row * labels, labels);
                servedRows[row] = null;
            }
        }
        int n = to - from;
        System.arraycopy(probabilities, from * labels, partProbabilities, 0, n * labels);
        System.arraycopy(targets, from * labels, partTargets, 0, n * labels);
        // A diverged model (finite but huge weights) can score NaN; such scores must not poison the metrics, the
        // thresholds or the detectors. The rows still count and train, and the outcome says they were not scored.
        boolean scored = allFinite(partProbabilities, n * labels);
        if (scored) {
            float[] thresholdsInForce = thresholdTuner.thresholds();
            metrics.update(partProbabilities, partTargets, n, thresholdsInForce);
            if (scoreListener != null) {
                scoreListener.scored(eventsTrained + from, partProbabilities, partTargets, n, thresholdsInForce);
            }
            if (imbalanceMonitor != null) {
                List<ImbalanceSignal> partSignals = imbalanceMonitor.update(partProbabilities, partTargets, n,
                        thresholdsInForce);
                signals.addAll(partSignals);
                if (shiftCusum == null) {
                    adaptToShifts(partSignals);
                }
            }
        }
        if (shiftCusum != null) {
            adaptToShifts(shiftCusum.observe(partTargets, n));
        }
        if (scored) {
            thresholdTuner.observe(partProbabilities, partTargets, n);
        }
        return scored;
    }

    /**
     * Shortens the memory of each label whose prevalence the shift detector saw shift: its counts restart at the
     * detector's prevalence since the change and its score histograms keep little weight, so the priors, the class
     * weights and the threshold follow the new prevalence at once instead of over a half-life.
     */
    private void adaptToShifts(List<ImbalanceSignal> signals) {
        double memory = settings.shiftMemoryEvents();
        if (memory == 0) {
            return;
        }
        for (ImbalanceSignal signal : signals) {
            if (signal.kind() == ImbalanceSignal.Kind.PREVALENCE_SHIFT) {
                labelStatistics.rebase(signal.label(), signal.after(), memory);
                thresholdTuner.forget(signal.label(), memory);
            }
        }
    }

    /**
     * Probabilities of a batch as this trainer scores them now: the model's, with the score adjustment by the
     * current priors (what a predictor built from {@link #servingParameters} gives).
     */
    public void predict(MiniBatch batch, float[] probabilitiesOut) {
        refreshOffsets();
        model.predict(batch, probabilitiesOut, scoreOffsets);
        if (labelStage != null) {
            labelStage.apply(probabilitiesOut, batch.size());
        }
    }

    /** The CUSUM shift detector the settings ask for, or null (no memory cut, or the cut follows the monitor). */
    private static PrevalenceCusum freshShiftCusum(TrainerSettings settings, int labels) {
        return settings.shiftMemoryEvents() > 0 ? settings.shiftDetector().newCusum(labels) : null;
    }

    private static LabelStacking freshLabelStage(TrainerSettings settings, int labels) {
        return settings.labelStacking() ? new LabelStacking(labels, settings.learning()) : null;
    }

    /**
     * The logit offsets of the score and of the loss from the decayed priors as they are now (before the batch
     * about to be scored and learned from): one log per label, none without logit adjustment.
     */
    private void refreshOffsets() {
        if (!objective.adjustsLogits()) {
            return;
        }
        for (int label = 0; label < scoreOffsets.length; label++) {
            double logOdds = logOdds(prior(label));
            scoreOffsets[label] = (float) (objective.scoreAdjustment() * logOdds);
            logitOffsets[label] = (float) (objective.trainAdjustment() * logOdds);
        }
    }

    /**
     * Turns one row's logits (in {@code probabilities}) into its probabilities, adjusted by the priors as they stand:
     * after every row before it, the batch's earlier rows included. With the score adjustment at 1 (the default),
     * {@code sigmoid(z + log(odds))} is {@code 1 / (1 + exp(-z) / odds)}: no logarithm per label and event.
     */
    private void scoreRow(int row, int labels) {
        double adjustment = objective.scoreAdjustment();
        for (int label = 0; label < labels; label++) {
            int i = row * labels + label;
            double z = probabilities[i];
            double p;
            if (adjustment == 0) {
                p = WeightedBinaryCrossEntropy.sigmoid(z);
            } else if (adjustment == 1) {
                // 1 / odds of the prior (positives + 1) / (total + 2), clamped as the prior is (see logOdds).
                double positives = labelStatistics.positives(label) + 1;
                double inverseOdds = (labelStatistics.total(label) + 2 - positives) / positives;
                inverseOdds = Math.min(Math.max(inverseOdds, MIN_INVERSE_ODDS), MAX_INVERSE_ODDS);
                p = 1 / (1 + Math.exp(-z) * inverseOdds);
            } else {
                p = WeightedBinaryCrossEntropy.sigmoid(z + adjustment * logOdds(prior(label)));
            }
            probabilities[i] = (float) p;
        }
    }

    /** The label's decayed prior with one pseudo-event of each class: strictly between 0 and 1, even before any count. */
    private double prior(int label) {
        return (labelStatistics.positives(label) + 1) / (labelStatistics.total(label) + 2);
    }

    private static double logOdds(double p) {
        double clamped = Math.min(Math.max(p, PRIOR_CLAMP), 1 - PRIOR_CLAMP);
        return Math.log(clamped / (1 - clamped));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /**
     * The model's tensors as a downstream predictor needs them: the output bias includes the score adjustment
     * by the current priors, so a served prediction equals the one this trainer makes now.
     */
    public List<ParameterTensor> servingParameters() {
        List<ParameterTensor> tensors = new ArrayList<>(model.parameters());
        if (labelStage != null) {
            tensors.addAll(labelStage.parameters());
        }
        if (objective.scoreAdjustment() == 0) {
            return tensors;
        }
        refreshOffsets();
        float[] offsets = scoreOffsets;
        String outputBias = model.settings().modelType() == ModelType.LINEAR ? "b" : "b2";
        List<ParameterTensor> serving = new ArrayList<>(tensors.size());
        for (ParameterTensor tensor : tensors) {
            if (tensor.name().equals(outputBias)) {
                float[] shifted = tensor.data().clone();
                for (int label = 0; label < shifted.length; label++) {
                    shifted[label] += offsets[label];
                }
                tensor = new ParameterTensor(tensor.name(), tensor.shape(), shifted);
            }
            serving.add(tensor);
        }
        return serving;
    }

    private static boolean allFinite(float[] values, int length) {
        for (int i = 0; i < length; i++) {
            if (!Float.isFinite(values[i])) {
                return false;
            }
        }
        return true;
    }

    public List<String> labelNames() {
        return labelNames;
    }

    public int featureCount() {
        return model.featureCount();
    }

    /** The drift detectors, null when drift detection is off. */
    public ImbalanceMonitor imbalanceMonitor() {
        return imbalanceMonitor;
    }

    public TrainerSettings settings() {
        return settings;
    }

    public MultiLabelModel model() {
        return model;
    }

    public DecayedLabelStatistics labelStatistics() {
        return labelStatistics;
    }

    public PrequentialMetrics metrics() {
        return metrics;
    }

    /**
     * Forgets the prequential metrics: from now on they count only the events that follow (learning, weights and
     * thresholds go on as they were). Call it between mini-batches ({@link #trainPending} first).
     */
    public void restartMetrics() {
        if (pending.size() > 0) {
            throw new IllegalStateException("restart the metrics between mini-batches: " + pending.size()
                    + " events are pending");
        }
        metrics = new PrequentialMetrics(labelNames, settings.metricsBins(), settings.metricsHalfLifeEvents());
    }

    /** Hands every mini-batch scored from now on to {@code listener} (null: none), after the metrics took it. */
    public void onScored(ScoreListener listener) {
        this.scoreListener = listener;
    }

    /** Thresholds in force now. */
    public float[] thresholds() {
        return thresholdTuner.thresholds().clone();
    }

    /** Positive-class weights in force now (from the counts so far). */
    public float[] positiveWeights() {
        return positiveWeights.clone();
    }

    /** Negative-class weights in force now. */
    public float[] negativeWeights() {
        return negativeWeights.clone();
    }

    /** Events trained on (complete batches and flushed partial ones); pending events are not counted. */
    public long eventsTrained() {
        return eventsTrained;
    }

    public int pendingEvents() {
        return pending.size();
    }

    /** The result of the latest optimiser step, or null before the first. */
    public StepResult lastStep() {
        return lastStep;
    }

    /** Fills the trainer's part of a saved-state record: model and optimiser, pending batch, counts, metrics, thresholds, detectors. */
    public void saveTo(SavedModelState.Builder saved) {
        List<SavedRow> rows = pending.toSaved();
        for (int row = 0; row < rows.size(); row++) {
            if (servedRows[row] != null) {
                rows.get(row).setServed(SavedArrays.floats(servedRows[row]));
            }
        }
        saved.setEventsTrained(eventsTrained)
                .setModel(Models.toSaved(model))
                .setPending(rows)
                .setLabelCounts(labelStatistics.toSaved())
                .setMetrics(metrics.toSaved())
                .setThresholds(thresholdTuner.toSaved())
                .setDetectors(imbalanceMonitor == null ? null : imbalanceMonitor.toSaved())
                .setShiftDetector(shiftCusum == null ? null : shiftCusum.toSaved())
                .setLabelStage(labelStage == null ? null : labelStage.toSaved());
    }

    /**
     * Restores a trainer from a record {@link #saveTo} filled, under the settings configured now: the model's
     * parameters, the pending events and the label counts are the saved ones; every hyper-parameter (batch size,
     * optimiser and learning rate, L2, clipping, weighting and its half-life, thresholds, metrics and drift
     * detectors) is {@code settings}'. A changed optimiser starts its state afresh; metrics, thresholds or detectors
     * whose settings changed start afresh too. Each of these is said to {@code notices}.
     *
     * @throws IncompatibleStateException when the saved model cannot take the configured feature count, model
     *     type, hidden size or labels
     */
    public static OnlineTrainer fromSaved(SavedModelState saved, TrainerSettings settings, int featureCount,
            List<String> labelNames, Consumer<String> notices) throws IOException {
        MultiLabelModel model = Models.fromSaved(saved.getModel(), featureCount, settings.learning(), notices);
        MiniBatch pending = MiniBatch.fromSaved(saved.getPending(), settings.batchSize(), model.featureCount(),
                model.labelCount());
        DecayedLabelStatistics statistics = DecayedLabelStatistics.fromSaved(saved.getLabelCounts(),
                settings.weightingHalfLifeEvents());
        PrequentialMetrics metrics = PrequentialMetrics.fromSaved(saved.getMetrics());
        ThresholdTuner tuner = ThresholdTuner.fromSaved(saved.getThresholds());
        ImbalanceMonitor monitor = saved.getDetectors() == null ? null
                : ImbalanceMonitor.fromSaved(saved.getDetectors(), metrics.labelNames());
        PrevalenceCusum shiftCusum = saved.getShiftDetector() == null ? null
                : PrevalenceCusum.fromSaved(saved.getShiftDetector());
        LabelStacking stage = null;
        if (settings.labelStacking() && saved.getLabelStage() != null) {
            stage = LabelStacking.fromSaved(saved.getLabelStage(), labelNames.size(), settings.learning(), notices);
        }
        OnlineTrainer trainer = reconciled(settings, labelNames, notices, saved.getEventsTrained(), model, pending,
                statistics, metrics, tuner, monitor, shiftCusum, stage);
        List<SavedRow> rows = saved.getPending();
        for (int row = 0; row < rows.size(); row++) {
            List<Float> served = rows.get(row).getServed();
            // Scores of another label set (the labels changed) would not line up; those rows are re-predicted.
            if (served != null && served.size() == labelNames.size() && labelNames.equals(metrics.labelNames())) {
                trainer.servedRows[row] = SavedArrays.toFloats(served);
            }
        }
        return trainer;
    }

    /** The restored parts under the configured settings and labels (the rule of {@link #fromSaved}). */
    private static OnlineTrainer reconciled(TrainerSettings settings, List<String> labelNames, Consumer<String> notices,
            long eventsTrained, MultiLabelModel model, MiniBatch pending, DecayedLabelStatistics statistics,
            PrequentialMetrics metrics, ThresholdTuner tuner, ImbalanceMonitor monitor, PrevalenceCusum shiftCusum,
            LabelStacking labelStage) {
        // The label names are part of the metrics' state; they are not saved twice.
        List<String> savedLabels = metrics.labelNames();
        if (!savedLabels.equals(labelNames)) {
            int[] source = labelSource(savedLabels, labelNames);
            notices.accept("labels changed from " + savedLabels + " to " + labelNames + ": a new label's output starts "
                    + "from its prior and its counts from zero; the metrics, thresholds and detectors start afresh");
            model = Models.withLabels(model, source);
            pending = pending.withLabels(source);
            statistics = statistics.withLabels(source);
            metrics = new PrequentialMetrics(labelNames, settings.metricsBins(), settings.metricsHalfLifeEvents());
            tuner = new ThresholdTuner(labelNames.size(), settings.thresholds());
            monitor = null;
            shiftCusum = null;
            labelStage = null;
        }
        if (settings.labelStacking() && labelStage == null) {
            labelStage = freshLabelStage(settings, labelNames.size());
        } else if (!settings.labelStacking()) {
            labelStage = null;
        }
        if (metrics.halfLifeEvents() != settings.metricsHalfLifeEvents() || metrics.bins() != settings.metricsBins()) {
            notices.accept("metrics settings changed: the prequential metrics start afresh");
            metrics = new PrequentialMetrics(labelNames, settings.metricsBins(), settings.metricsHalfLifeEvents());
        }
        if (!tuner.settings().equals(settings.thresholds())) {
            if (tuner.settings().bins() == settings.thresholds().bins()) {
                notices.accept("threshold settings changed: the thresholds are re-tuned from the saved score histograms");
                tuner = tuner.withSettings(settings.thresholds());
            } else {
                notices.accept("threshold bins changed from " + tuner.settings().bins() + " to "
                        + settings.thresholds().bins() + ": the thresholds start afresh");
                tuner = new ThresholdTuner(labelNames.size(), settings.thresholds());
            }
        }
        if (!settings.driftDetection()) {
            monitor = null;
        } else if (monitor == null || !monitor.settings().equals(settings.detectors())) {
            if (monitor != null) {
                notices.accept("drift detector settings changed: the detectors start afresh");
            }
            monitor = new ImbalanceMonitor(labelNames, settings.detectors());
        }
        PrevalenceCusum configuredCusum = freshShiftCusum(settings, labelNames.size());
        if (configuredCusum == null || shiftCusum == null) {
            // A state saved without the detector (by format 4, or with it off) starts it afresh, silently.
            shiftCusum = configuredCusum;
        } else if (!shiftCusum.hasSettings(settings.shiftDetector()) || shiftCusum.labels() != labelNames.size()) {
            notices.accept("shift detector settings changed: the shift detector starts afresh");
            shiftCusum = configuredCusum;
        }
        return new OnlineTrainer(settings, labelNames, model, pending, statistics, metrics, tuner, monitor, shiftCusum,
                eventsTrained, labelStage);
    }

    /**
     * Per configured label, its index among the saved ones, or -1 for a label added since.
     *
     * @throws IncompatibleStateException when a saved label is no longer configured
     */
    public static int[] labelSource(List<String> saved, List<String> configured) {
        for (String label : saved) {
            if (!configured.contains(label)) {
                throw new IncompatibleStateException(IncompatibleStateException.Aspect.LABELS, String.join(",", saved),
                        String.join(",", configured));
            }
        }
        return configured.stream().mapToInt(saved::indexOf).toArray();
    }
}
