package dev.ballast.cluster;

import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.serde.AvroSerdes;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/** The value serdes of Ballast's topics, all Confluent wire format against the configured Schema Registry. */
public record BallastSerdes(Serde<LabelledEvent> events, Serde<ModelSnapshot> snapshots, Serde<TrainingMetrics> metrics,
        Serde<ImbalanceAlert> alerts, Serde<DeadLetter> deadLetters, Serde<LabelFeedback> labels,
        Serde<Prediction> predictions) {

    /** @param clientProperties {@code schema.registry.url} and the other serde settings, Confluent's names */
    public static BallastSerdes fromConfig(Map<String, ?> clientProperties) {
        return new BallastSerdes(
                AvroSerdes.specific(LabelledEvent.class, clientProperties, false),
                AvroSerdes.specific(ModelSnapshot.class, clientProperties, false),
                AvroSerdes.specific(TrainingMetrics.class, clientProperties, false),
                AvroSerdes.specific(ImbalanceAlert.class, clientProperties, false),
                AvroSerdes.specific(DeadLetter.class, clientProperties, false),
                AvroSerdes.specific(LabelFeedback.class, clientProperties, false),
                AvroSerdes.specific(Prediction.class, clientProperties, false));
    }
}
