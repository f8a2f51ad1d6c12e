package dev.ballast.serde;

import dev.ballast.schema.AlertKind;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelMetrics;
import dev.ballast.schema.LabelState;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelScore;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.SparseFeatures;
import dev.ballast.schema.Tensor;
import dev.ballast.schema.TrainingMetrics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated record of every Ballast schema, for round-trip and fuzz tests. */
final class SampleRecords {

    static final Instant TIME = Instant.ofEpochMilli(1_767_225_600_123L);

    private SampleRecords() {
    }

    static LabelledEvent denseEvent() {
        return LabelledEvent.newBuilder()
                .setId("event-1")
                .setEventTime(TIME)
                .setModelId("spam")
                .setFeatures(DenseFeatures.newBuilder().setValues(List.of(0.5f, -1.25f, 3.0e-7f, Float.MAX_VALUE)).build())
                .setLabels(List.of("urgent", "billing"))
                .setImportance(2.5f)
                .build();
    }

    static Prediction prediction() {
        return Prediction.newBuilder()
                .setEventId("event-2")
                .setModelId("spam")
                .setModelVersion(12)
                .setScoredAt(TIME)
                .setLabels(List.of(new LabelScore("urgent", 0.75f, 0.4f, true), new LabelScore("billing", 0.01f, 0.5f, false)))
                .build();
    }

    static LabelFeedback labelFeedback() {
        return LabelFeedback.newBuilder()
                .setEventId("event-2")
                .setModelId("spam")
                .setLabels(List.of("urgent"))
                .setLabelTime(TIME)
                .build();
    }

    static LabelledEvent sparseEvent() {
        return LabelledEvent.newBuilder()
                .setId("event-2")
                .setEventTime(TIME)
                .setFeatures(SparseFeatures.newBuilder().setIndices(List.of(3, 17, 40_000)).setValues(List.of(1f, 0.25f, -8f)).build())
                .build();
    }

    static ModelSnapshot snapshot() {
        ByteBuffer weights = ByteBuffer.allocate(4 * 6).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            weights.putFloat(i * 0.1f - 0.3f);
        }
        weights.flip();
        return ModelSnapshot.newBuilder()
                .setModelId("spam")
                .setVersion(42)
                .setCreatedAt(TIME)
                .setEventsTrained(1_000_000L)
                .setOptimizerSteps(31_250L)
                .setSkippedSteps(2)
                .setArchitecture("linear")
                .setFeatureCount(3)
                .setHyperParameters(Map.of("ballast.learning.rate", "0.01", "ballast.weighting.policy", "sqrt"))
                .setLabels(List.of(
                        LabelState.newBuilder().setName("urgent").setDecayedPositives(12.5).setDecayedTotal(1000)
                                .setPrevalence(0.0125).setPosWeight(8.9f).setThreshold(0.3f).build(),
                        LabelState.newBuilder().setName("billing").setDecayedPositives(400).setDecayedTotal(1000)
                                .setPrevalence(0.4).setPosWeight(1.2f).build()))
                .setParameters(List.of(Tensor.newBuilder().setName("W").setShape(List.of(3, 2)).setData(weights).build()))
                .setInputOffsets(Map.of("ballast.events-0", 1_000_001L))
                .build();
    }

    static TrainingMetrics metrics() {
        return TrainingMetrics.newBuilder()
                .setModelId("spam")
                .setModelVersion(42)
                .setTimestamp(TIME)
                .setEventsTrained(1_000_000L)
                .setEventsPerSecond(48_213.5)
                .setMacroF1(0.61)
                .setMicroF1(0.72)
                .setWeightedLoss(0.31)
                .setUnweightedLoss(0.12)
                .setCollapsedLabels(1)
                .setLabels(List.of(LabelMetrics.newBuilder().setName("urgent").setPrevalence(0.0125).setPosWeight(8.9)
                        .setPrecision(0.4).setRecall(0.7).setF1(0.509).setAuprc(0.45).setSupport(12.5).build()))
                .build();
    }

    static ImbalanceAlert alert() {
        return ImbalanceAlert.newBuilder()
                .setModelId("spam")
                .setLabel("urgent")
                .setKind(AlertKind.MINORITY_RECALL_DROP)
                .setDetector("page-hinkley")
                .setBefore(0.7)
                .setAfter(0.2)
                .setEventsTrained(1_000_000L)
                .setTimestamp(TIME)
                .setMessage("recall of 'urgent' fell from 0.70 to 0.20")
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setReason("feature dimension 12, model expects 30")
                .setErrorKind("DIMENSION")
                .setSourceTopic("ballast.events")
                .setSourcePartition(3)
                .setSourceOffset(123_456L)
                .setEventId("event-9")
                .setKey(ByteBuffer.wrap(new byte[] {'s', 'p', 'a', 'm'}))
                .setValue(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 7, 1, 2}))
                .setFailedAt(TIME)
                .build();
    }
}
