package dev.ballast.monitoring;

import dev.ballast.schema.AlertKind;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelMetrics;
import dev.ballast.schema.TrainingMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-built feed contents for tests that need no broker. */
final class Fixtures {

    private Fixtures() {
    }

    /** A metrics record whose labels have the given prevalences; the other figures derive from them. */
    static TrainingMetrics metrics(String modelId, long version, long timeMillis, Map<String, Double> prevalenceByLabel) {
        List<LabelMetrics> labels = new ArrayList<>();
        prevalenceByLabel.forEach((name, prevalence) -> labels.add(LabelMetrics.newBuilder().setName(name)
                .setPrevalence(prevalence).setPosWeight(Math.sqrt((1 - prevalence) / prevalence)).setThreshold(0.3)
                .setPrecision(0.5).setRecall(0.6).setF1(0.545).setAuprc(0.4).setSupport(12).build()));
        return TrainingMetrics.newBuilder().setModelId(modelId).setModelVersion(version)
                .setTimestamp(Instant.ofEpochMilli(timeMillis)).setEventsTrained(1000 * version).setEventsPerSecond(2500)
                .setMacroF1(0.545).setMicroF1(0.6).setWeightedLoss(0.3).setUnweightedLoss(0.2).setCollapsedLabels(0)
                .setLabels(labels).build();
    }

    static ImbalanceAlert alert(String modelId, String label, AlertKind kind, String message) {
        return ImbalanceAlert.newBuilder().setModelId(modelId).setLabel(label).setKind(kind).setDetector("page-hinkley")
                .setBefore(0.01).setAfter(0.1).setEventsTrained(5000).setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L))
                .setMessage(message).build();
    }
}
