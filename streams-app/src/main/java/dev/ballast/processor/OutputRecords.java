package dev.ballast.processor;

import dev.ballast.evaluation.drift.AlertGate;
import dev.ballast.evaluation.LabelReport;
import dev.ballast.evaluation.PrequentialMetrics;
import dev.ballast.learning.ParameterTensor;
import dev.ballast.schema.AlertKind;
import dev.ballast.schema.AlertSeverity;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelMetrics;
import dev.ballast.schema.LabelState;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Tensor;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.training.OnlineTrainer;
import dev.ballast.weighting.DecayedLabelStatistics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds the Avro records Ballast publishes from a model's state. */
public final class OutputRecords {

    private OutputRecords() {
    }

    /** A self-contained snapshot of the trainer's model, statistics, weights and thresholds. */
    public static ModelSnapshot snapshot(String modelId, long version, OnlineTrainer trainer,
            Map<String, String> hyperParameters, Map<String, Long> inputOffsets, long createdAtMs) {
        DecayedLabelStatistics statistics = trainer.labelStatistics();
        float[] posWeights = trainer.positiveWeights();
        float[] negWeights = trainer.negativeWeights();
        float[] thresholds = trainer.thresholds();
        List<LabelState> labels = new ArrayList<>();
        for (int label = 0; label < trainer.labelNames().size(); label++) {
            labels.add(LabelState.newBuilder()
                    .setName(trainer.labelNames().get(label))
                    .setDecayedPositives(statistics.positives(label))
                    .setDecayedTotal(statistics.total(label))
                    .setPrevalence(statistics.prevalence(label))
                    .setPosWeight(posWeights[label])
                    .setNegWeight(negWeights[label])
                    .setThreshold(thresholds[label])
                    .build());
        }
        List<Tensor> tensors = new ArrayList<>();
        for (ParameterTensor parameter : trainer.servingParameters()) {
            tensors.add(tensor(parameter));
        }
        return ModelSnapshot.newBuilder()
                .setModelId(modelId)
                .setVersion(version)
                .setCreatedAt(Instant.ofEpochMilli(createdAtMs))
                .setEventsTrained(trainer.eventsTrained())
                .setOptimizerSteps(trainer.model().steps())
                .setSkippedSteps(trainer.model().skippedSteps())
                .setEventsInSkippedSteps(trainer.model().eventsInSkippedSteps())
                .setArchitecture(trainer.model().settings().modelType().name().toLowerCase(java.util.Locale.ROOT))
                .setFeatureCount(trainer.featureCount())
                .setHyperParameters(hyperParameters)
                .setLabels(labels)
                .setParameters(tensors)
                .setInputOffsets(inputOffsets)
                .build();
    }

    /** float32 little-endian, row-major: the layout the client's Predictor reads. */
    static Tensor tensor(ParameterTensor parameter) {
        ByteBuffer data = ByteBuffer.allocate(parameter.data().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(parameter.data());
        List<Integer> shape = Arrays.stream(parameter.shape()).boxed().toList();
        return Tensor.newBuilder().setName(parameter.name()).setShape(shape).setData(data).build();
    }

    public static TrainingMetrics metrics(String modelId, long modelVersion, OnlineTrainer trainer,
            double eventsPerSecond, long nowMs) {
        PrequentialMetrics metrics = trainer.metrics();
        DecayedLabelStatistics statistics = trainer.labelStatistics();
        float[] posWeights = trainer.positiveWeights();
        float[] thresholds = trainer.thresholds();
        List<LabelMetrics> labels = new ArrayList<>();
        for (int label = 0; label < trainer.labelNames().size(); label++) {
            LabelReport report = metrics.label(label);
            labels.add(LabelMetrics.newBuilder()
                    .setName(report.name())
                    .setPrevalence(statistics.prevalence(label))
                    .setPosWeight(posWeights[label])
                    .setThreshold(thresholds[label])
                    .setPrecision(report.precision())
                    .setRecall(report.recall())
                    .setF1(report.f1())
                    .setAuprc(report.auprc())
                    .setSupport(report.support())
                    .build());
        }
        double weightedLoss = trainer.lastStep() == null ? Double.NaN : trainer.lastStep().weightedLoss();
        double unweightedLoss = trainer.lastStep() == null ? Double.NaN : trainer.lastStep().unweightedLoss();
        return TrainingMetrics.newBuilder()
                .setModelId(modelId)
                .setModelVersion(modelVersion)
                .setTimestamp(Instant.ofEpochMilli(nowMs))
                .setEventsTrained(trainer.eventsTrained())
                .setEventsPerSecond(eventsPerSecond)
                .setMacroF1(metrics.macroF1())
                .setMicroF1(metrics.microF1())
                .setWeightedLoss(weightedLoss)
                .setUnweightedLoss(unweightedLoss)
                .setCollapsedLabels(metrics.collapsedLabels())
                .setLabels(labels)
                .build();
    }

    public static ImbalanceAlert alert(String modelId, AlertGate.Alert alert, List<String> labelNames,
            long eventsTrained, long nowMs) {
        return ImbalanceAlert.newBuilder()
                .setModelId(modelId)
                .setLabel(labelNames.get(alert.label()))
                .setKind(AlertKind.valueOf(alert.kind().name()))
                .setDetector(alert.detector())
                .setBefore(alert.before())
                .setAfter(alert.after())
                .setEventsTrained(eventsTrained)
                .setTimestamp(Instant.ofEpochMilli(nowMs))
                .setMessage(alert.message())
                .setSeverity(AlertSeverity.valueOf(alert.severity().name()))
                .setResolved(alert.resolved())
                .build();
    }

    public static ImbalanceAlert nonFiniteStep(String modelId, String reason, long eventsTrained, long nowMs) {
        return critical(modelId, AlertKind.NON_FINITE_STEP, "non-finite-guard",
                "optimiser step skipped, last good parameters kept: " + reason, eventsTrained, nowMs);
    }

    /** A model stopped training: its trainer threw, which is a bug, not a property of the input (see the message). */
    public static ImbalanceAlert modelFailed(String modelId, String message, long eventsTrained, long nowMs) {
        return critical(modelId, AlertKind.MODEL_FAILED, "trainer", message, eventsTrained, nowMs);
    }

    /** A model-wide CRITICAL alert, with no monitored value before or after. */
    private static ImbalanceAlert critical(String modelId, AlertKind kind, String detector, String message,
            long eventsTrained, long nowMs) {
        return ImbalanceAlert.newBuilder()
                .setModelId(modelId)
                .setLabel(null)
                .setKind(kind)
                .setDetector(detector)
                .setBefore(Double.NaN)
                .setAfter(Double.NaN)
                .setEventsTrained(eventsTrained)
                .setTimestamp(Instant.ofEpochMilli(nowMs))
                .setMessage(message)
                .setSeverity(AlertSeverity.CRITICAL)
                .build();
    }

    public static DeadLetter deadLetter(Rejection rejection, String topic, int partition, long offset, String eventId,
            byte[] key, byte[] value, long nowMs) {
        return DeadLetter.newBuilder()
                .setReason(rejection.reason())
                .setErrorKind(rejection.kind())
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setEventId(eventId)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setFailedAt(Instant.ofEpochMilli(nowMs))
                .build();
    }
}
