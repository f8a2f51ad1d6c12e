package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import dev.ballast.processor.OutputRecords;
import dev.ballast.processor.Rejection;
import dev.ballast.schema.DeadLetter;
import dev.ballast.serde.AvroSerdes;
import dev.ballast.serde.BadRecordException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every input record that cannot be decoded to the dead-letter topic as a {@link DeadLetter} with the reason,
 * and lets the stream go on. The dead letter is produced inside the task's transaction, so under exactly-once it
 * appears exactly once. Failures that are not about the record itself (the registry unreachable for an unknown
 * schema id) stop the app instead of silently dropping data.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    /** Original values larger than this are not copied into the dead letter (offsets still point at them). */
    private static final int MAX_COPIED_VALUE_BYTES = 1024 * 1024;

    private String deadLetterTopic;
    private Serializer<DeadLetter> serializer;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = String.valueOf(configs.get(BallastConfig.DEAD_LETTERS_TOPIC));
        serializer = AvroSerdes.specific(DeadLetter.class, configs, false).serializer();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof BadRecordException bad)) {
            LOG.error("Cannot decode record {}-{}@{} and it is not the record's fault: {}", context.topic(),
                    context.partition(), context.offset(), exception.getMessage());
            return Response.fail();
        }
        byte[] value = record.value();
        byte[] copied = value != null && value.length <= MAX_COPIED_VALUE_BYTES ? value : null;
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        DeadLetter deadLetter = OutputRecords.deadLetter(
                new Rejection(Rejection.DESERIALIZATION, bad.kind() + ": " + bad.reason()), context.topic(),
                context.partition(), context.offset(), null, record.key(), copied, System.currentTimeMillis());
        byte[] encoded = serializer.serialize(deadLetterTopic, deadLetter);
        LOG.debug("Dead-lettered undecodable record {}-{}@{}: {}", context.topic(), context.partition(), context.offset(),
                bad.reason());
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), encoded)));
    }
}
