package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import dev.ballast.processor.OutputRecords;
import dev.ballast.processor.Rejection;
import dev.ballast.processor.SourceHeaders;
import dev.ballast.schema.DeadLetter;
import dev.ballast.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * The dead letters Kafka Streams' error handlers hand back for it to write (they cannot forward): encoded records
 * of the dead-letter topic naming the input record's place in the user's events topic, also when the failure
 * happened after the repartition (then the place comes from {@link SourceHeaders}).
 */
final class DeadLetterRecords {

    /** Original values larger than this are not copied into the dead letter (offsets still point at them). */
    private static final int MAX_COPIED_VALUE_BYTES = 1024 * 1024;

    private final String deadLetterTopic;
    private final String eventsTopic;
    private final Serializer<DeadLetter> serializer;

    /** @param configs the Streams properties, where {@link StreamsSettings} puts the topics' names */
    DeadLetterRecords(Map<String, ?> configs) {
        deadLetterTopic = String.valueOf(configs.get(BallastConfig.DEAD_LETTERS_TOPIC));
        eventsTopic = String.valueOf(configs.get(BallastConfig.EVENTS_TOPIC));
        serializer = AvroSerdes.specific(DeadLetter.class, configs, false).serializer();
    }

    String topic() {
        return deadLetterTopic;
    }

    /** A dead letter for the input record of {@code context}, with its key and (if small enough) value bytes. */
    ProducerRecord<byte[], byte[]> of(ErrorHandlerContext context, Rejection rejection, byte[] key, byte[] value,
            String eventId) {
        String topic = context.topic();
        int partition = context.partition();
        long offset = context.offset();
        SourceHeaders.Coordinates original = eventsTopic.equals(topic) || context.headers() == null ? null
                : SourceHeaders.coordinates(context.headers());
        if (original != null) {
            topic = original.topic();
            partition = original.partition();
            offset = original.offset();
        }
        byte[] copied = value != null && value.length <= MAX_COPIED_VALUE_BYTES ? value : null;
        DeadLetter deadLetter = OutputRecords.deadLetter(rejection, topic, partition, offset, eventId, key, copied,
                System.currentTimeMillis());
        String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
        return new ProducerRecord<>(deadLetterTopic, null,
                keyText == null ? null : keyText.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(deadLetterTopic, deadLetter));
    }
}
