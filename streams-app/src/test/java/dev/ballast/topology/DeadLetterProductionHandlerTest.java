package dev.ballast.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.cluster.BallastSerdes;
import dev.ballast.config.BallastConfig;
import dev.ballast.processor.SourceHeaders;
import dev.ballast.registry.SchemaRegistryException;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DeadLetter;
import dev.ballast.testing.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What happens to an input record when an output it led to cannot be written: the serialisation and production
 * paths of the record-level failures (deserialisation, timestamps, size and validation are covered by
 * {@link BallastTopologyTest} and {@link EventTimestampExtractorTest} and, on a broker,
 * {@code PoisonPillTest} and {@code HostileInputTest}).
 */
@ExtendWith(EmbeddedKafkaExtension.class) // the shared embedded registry only; no broker
class DeadLetterProductionHandlerTest {

    private static final String EVENTS = "ballast.events";
    private static final String DEAD_LETTERS = "ballast.dead-letters";

    private DeadLetterProductionHandler handler;
    private Deserializer<DeadLetter> deadLetters;

    @BeforeEach
    void configure(EmbeddedSchemaRegistry registry) {
        Map<String, Object> configs = Map.of("schema.registry.url", registry.url(),
                BallastConfig.DEAD_LETTERS_TOPIC, DEAD_LETTERS, BallastConfig.EVENTS_TOPIC, EVENTS);
        handler = new DeadLetterProductionHandler();
        handler.configure(configs);
        deadLetters = BallastSerdes.fromConfig(Map.of("schema.registry.url", registry.url())).deadLetters().deserializer();
    }

    @Test
    void shouldDeadLetterTheInputWithItsEventsTopicPlaceWhenAnOutputCannotBeSerialised() {
        Headers headers = new RecordHeaders();
        SourceHeaders.writeCoordinates(headers, EVENTS, 2, 41);
        Response response = handler.handleSerializationError(context("app-by-model-id-repartition", 0, 7, headers),
                new ProducerRecord<>("ballast.model-updates", "default", "value"),
                new SerializationException("field is null"), SerializationExceptionOrigin.VALUE);
        DeadLetter letter = onlyDeadLetter(response);
        assertEquals("SERIALIZATION", letter.getErrorKind());
        assertEquals(EVENTS, letter.getSourceTopic());
        assertEquals(2, letter.getSourcePartition());
        assertEquals(41, letter.getSourceOffset());
        assertTrue(letter.getReason().contains("ballast.model-updates"), letter.getReason());
    }

    @Test
    void shouldDeadLetterTheInputWhenTheProducerRefusesAnOutputForItsSize() {
        Response response = handler.handleError(context(EVENTS, 0, 12, new RecordHeaders()),
                new ProducerRecord<>("app-by-model-id-repartition", new byte[1], new byte[1]),
                new RecordTooLargeException("too large"));
        DeadLetter letter = onlyDeadLetter(response);
        assertEquals("PRODUCTION", letter.getErrorKind());
        assertEquals(EVENTS, letter.getSourceTopic());
        assertEquals(12, letter.getSourceOffset());
        assertEquals("key", new String(letter.getKey().array(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldStopWhenTheRegistryFailsOrTheDeadLetterOrChangelogCannotBeWritten() {
        ErrorHandlerContext context = context(EVENTS, 0, 3, new RecordHeaders());
        assertEquals(Result.FAIL, handler.handleSerializationError(context, new ProducerRecord<>("ballast.metrics", "v"),
                new SerializationException("no schema id", new SchemaRegistryException("registry down", new java.net.ConnectException("refused"))),
                SerializationExceptionOrigin.VALUE).result());
        assertEquals(Result.FAIL, handler.handleError(context, new ProducerRecord<>(DEAD_LETTERS, new byte[1]),
                new RecordTooLargeException("too large")).result());
        assertEquals(Result.FAIL, handler.handleError(context, new ProducerRecord<>("app-ballast-models-changelog",
                new byte[1]), new RecordTooLargeException("too large")).result());
    }

    @Test
    void shouldRetryARetriableErrorAndSkipAPunctuationsOutputThatHasNoInput() {
        assertEquals(Result.RETRY, handler.handleError(context(EVENTS, 0, 3, new RecordHeaders()),
                new ProducerRecord<>("ballast.metrics", new byte[1]), new NotEnoughReplicasException("later")).result());
        Response skipped = handler.handleError(context(null, -1, -1, null),
                new ProducerRecord<>("ballast.model-updates", new byte[1]), new RecordTooLargeException("too large"));
        assertEquals(Result.RESUME, skipped.result());
        assertTrue(skipped.deadLetterQueueRecords().isEmpty());
    }

    private DeadLetter onlyDeadLetter(Response response) {
        assertEquals(Result.RESUME, response.result());
        List<ProducerRecord<byte[], byte[]>> records = response.deadLetterQueueRecords();
        assertEquals(1, records.size());
        assertEquals(DEAD_LETTERS, records.get(0).topic());
        return deadLetters.deserialize(DEAD_LETTERS, records.get(0).value());
    }

    private static ErrorHandlerContext context(String topic, int partition, long offset, Headers headers) {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public int partition() {
                return partition;
            }

            @Override
            public long offset() {
                return offset;
            }

            @Override
            public Headers headers() {
                return headers;
            }

            @Override
            public String processorNodeId() {
                return "train";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, partition);
            }

            @Override
            public long timestamp() {
                return 0;
            }

            @Override
            public byte[] sourceRawKey() {
                return "key".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] sourceRawValue() {
                return new byte[] {0, 0, 0, 0, 1};
            }
        };
    }
}
