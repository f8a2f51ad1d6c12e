package dev.ballast.topology;

import dev.ballast.processor.Rejection;
import dev.ballast.schema.DeadLetter;
import dev.ballast.serde.BadRecordException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

    private DeadLetterRecords deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = new DeadLetterRecords(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof BadRecordException bad)) {
            LOG.error("Cannot decode record {}-{}@{} and it is not the record's fault: {}", context.topic(),
                    context.partition(), context.offset(), exception.getMessage());
            return Response.fail();
        }
        LOG.debug("Dead-lettered undecodable record {}-{}@{}: {}", context.topic(), context.partition(), context.offset(),
                bad.reason());
        return Response.resume(List.of(deadLetters.of(context,
                new Rejection(Rejection.DESERIALIZATION, bad.kind() + ": " + bad.reason()), record.key(), record.value(),
                null)));
    }
}
