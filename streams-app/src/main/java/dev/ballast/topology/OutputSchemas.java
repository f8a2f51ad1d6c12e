package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves, before Kafka Streams starts, the schema id of every value Ballast writes with a registry serde, under the
 * subject it is written with: registered, looked up, or the subject's latest version, as the serde settings say.
 * The registry client shares the ids with every serializer of the same registry in the process, those that Kafka
 * Streams and the error handlers build from properties included, so no write waits on the registry for an id: the
 * first alert, prediction, dead letter or re-keyed event since start-up is written during a registry outage too.
 */
final class OutputSchemas {

    private static final Logger LOG = LoggerFactory.getLogger(OutputSchemas.class);

    private OutputSchemas() {
    }

    /**
     * Resolves the ids of {@link BallastTopology#registryValues}, and of the events topic's values, which the training
     * processor encodes to copy a rejected event into its dead letter.
     *
     * @throws IllegalStateException naming the subject when the registry cannot give the id of a topic's values
     */
    static void resolve(BallastConfig config) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(config.nonBallastProperties(), false);
        for (BallastTopology.RegistryValue value : BallastTopology.registryValues(config)) {
            try {
                serializer.schemaId(value.topic(), value.schema());
            } catch (SerializationException e) {
                throw new IllegalStateException(e.getMessage()
                        + " (Ballast resolves the schema of every topic it writes before it starts)", e);
            }
        }
        try {
            serializer.schemaId(config.getString(BallastConfig.EVENTS_TOPIC), LabelledEvent.getClassSchema());
        } catch (SerializationException e) {
            // Not a reason to stop: the dead letter names the event's place in the events topic either way.
            LOG.warn("{}; dead letters of rejected events carry no copy of the event until it can be resolved",
                    e.getMessage());
        }
    }
}
