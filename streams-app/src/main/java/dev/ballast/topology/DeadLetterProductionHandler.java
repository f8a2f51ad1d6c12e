package dev.ballast.topology;

import dev.ballast.processor.Rejection;
import dev.ballast.registry.SchemaRegistryException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a record Ballast cannot write (it cannot be serialised, or the producer or broker refuses it) into a dead
 * letter for the input record that caused it, and lets the stream go on, instead of failing the task on the same
 * input at every restart. What it does not route around:
 * <ul>
 *   <li>a registry that cannot be reached or refuses a schema: not the record's fault, so the app stops (as for
 *       decoding; see {@link DeadLetterDeserializationHandler}) rather than dead-letter every record meanwhile;</li>
 *   <li>a failed write of a dead letter or of the model store's changelog: there is nowhere else to put it, and
 *       going on would lose it;</li>
 *   <li>a retriable error: retried.</li>
 * </ul>
 * Under exactly-once a record the broker refuses after it was sent aborts the task's transaction whatever this
 * handler answers, and the task processes the input again; Ballast therefore keeps its records within the limits
 * of the topics it writes (see {@code ballast.event.max.bytes}), and this handler covers what the producer refuses
 * before sending (serialisation, the producer's own size limit) and, under at-least-once, what the broker refuses.
 * An output of a punctuation (a snapshot, metrics) has no input record: it is logged and skipped, and the next one
 * supersedes it.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);

    private DeadLetterRecords deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = new DeadLetterRecords(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        return routeAround(context, record.topic(), Rejection.PRODUCTION, exception);
    }

    @Override
    @SuppressWarnings("rawtypes") // Kafka Streams' own signature
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        if (exception.getCause() instanceof SchemaRegistryException) {
            LOG.error("Cannot serialise a record for {}: the schema registry failed ({}); stopping rather than "
                    + "dead-lettering every record meanwhile", record.topic(), exception.getMessage());
            return Response.fail();
        }
        return routeAround(context, record.topic(), Rejection.SERIALIZATION, exception);
    }

    private Response routeAround(ErrorHandlerContext context, String outputTopic, String kind, Exception exception) {
        if (outputTopic.equals(deadLetters.topic()) || outputTopic.endsWith("-changelog")) {
            LOG.error("Cannot write a record to {}: {}", outputTopic, exception.toString());
            return Response.fail();
        }
        if (context.topic() == null) {
            LOG.error("Cannot write a record to {} and skipped it (no input record to dead-letter): {}", outputTopic,
                    exception.toString());
            return Response.resume();
        }
        LOG.warn("Cannot write a record to {} for input {}-{}@{}; dead-lettered the input: {}", outputTopic,
                context.topic(), context.partition(), context.offset(), exception.toString());
        String reason = "cannot write to " + outputTopic + ": " + exception;
        return Response.resume(List.of(deadLetters.of(context, new Rejection(kind, reason.length() <= 1000 ? reason
                : reason.substring(0, 1000) + "..."), context.sourceRawKey(), context.sourceRawValue(), null)));
    }
}
