package dev.ballast.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.processor.SourceHeaders;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class EventTimestampExtractorTest {

    private static final long EVENT_TIME = 1_700_000_000_000L;

    @Test
    void shouldUseTheEventTimeAndNotMarkTheRecordWhenItsTimestampIsNegativeUnderEventTime() {
        ConsumerRecord<Object, Object> record = record("ballast.events", -1, event(EVENT_TIME));
        assertEquals(EVENT_TIME, extractor("event-time").extract(record, 5));
        assertNull(SourceHeaders.invalidTimestamp(record.headers()));
    }

    @Test
    void shouldFallBackToThePartitionTimeThenTheClockWhenTheEventTimeIsNegativeToo() {
        EventTimestampExtractor extractor = extractor("event-time");
        assertEquals(5, extractor.extract(record("ballast.events", -86_400_000L, event(-3)), 5));
        long before = System.currentTimeMillis();
        assertTrue(extractor.extract(record("ballast.events", -1, null), -1) >= before);
    }

    @Test
    void shouldMarkTheRecordAndReturnAValidTimestampUnderDeadLetter() {
        ConsumerRecord<Object, Object> record = record("ballast.events", -86_400_000L, event(EVENT_TIME));
        assertTrue(extractor("dead-letter").extract(record, 5) >= 0, "a negative value would make Kafka Streams drop it");
        assertEquals(-86_400_000L, SourceHeaders.invalidTimestamp(record.headers()));
    }

    @Test
    void shouldRemoveAProducersMarkFromTheEventsTopicButKeepItsOwnAfterTheRepartition() {
        ConsumerRecord<Object, Object> forged = record("ballast.events", 10, event(EVENT_TIME));
        SourceHeaders.markInvalidTimestamp(forged.headers(), -1);
        assertEquals(10, extractor("dead-letter").extract(forged, 5));
        assertNull(SourceHeaders.invalidTimestamp(forged.headers()));

        ConsumerRecord<Object, Object> repartitioned = record("ballast-by-model-id-repartition", 10, event(EVENT_TIME));
        SourceHeaders.markInvalidTimestamp(repartitioned.headers(), -1);
        extractor("dead-letter").extract(repartitioned, 5);
        assertEquals(-1L, SourceHeaders.invalidTimestamp(repartitioned.headers()));
    }

    private static EventTimestampExtractor extractor(String policy) {
        EventTimestampExtractor extractor = new EventTimestampExtractor();
        extractor.configure(Map.of(BallastConfig.EVENTS_TOPIC, "ballast.events", BallastConfig.EVENTS_INVALID_TIMESTAMP, policy));
        return extractor;
    }

    private static ConsumerRecord<Object, Object> record(String topic, long timestamp, Object value) {
        return new ConsumerRecord<>(topic, 0, 7, timestamp, TimestampType.CREATE_TIME, 0, 0, "default", value,
                new RecordHeaders(), Optional.empty());
    }

    private static LabelledEvent event(long eventTime) {
        return LabelledEvent.newBuilder().setId("e").setEventTime(Instant.ofEpochMilli(eventTime)).setModelId("default")
                .setFeatures(new DenseFeatures(List.of(1f))).setLabels(List.of()).build();
    }
}
