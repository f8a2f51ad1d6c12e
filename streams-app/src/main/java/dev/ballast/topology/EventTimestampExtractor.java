package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import dev.ballast.processor.SourceHeaders;
import dev.ballast.schema.LabelledEvent;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Gives every input record a usable timestamp, so that no record stops Ballast or vanishes. Kafka Streams' default
 * extractor throws on a negative (missing) timestamp, which stops the stream thread on the same offset at every
 * restart; an extractor that returns a negative value makes Kafka Streams drop the record with only a warning and a
 * metric. This one keeps a valid timestamp as it is and replaces an invalid one by the event's own {@code eventTime}
 * when that is valid, else by the partition's time (the largest valid timestamp seen so far), else by the wall clock.
 * The timestamp plays no part in the model (Ballast has no windows and publishes on wall-clock punctuators); it
 * moves Kafka Streams' stream time and decides when an entry of the late-label join expires (record time plus
 * {@code ballast.labels.max.delay.ms}), for which the event's own time is the right substitute.
 *
 * <p>Under {@code ballast.events.invalid.timestamp=dead-letter} it also marks the record ({@link
 * SourceHeaders#INVALID_TIMESTAMP}); an extractor cannot forward, so the training processor dead-letters what is
 * marked, with its original coordinates, also after a repartition (headers travel with the record).
 */
public final class EventTimestampExtractor implements TimestampExtractor, Configurable {

    /** What to do with a record whose timestamp is negative. */
    public enum Policy {
        /** Train it; its timestamp becomes the event's own eventTime (see the class doc). */
        EVENT_TIME,
        /** Dead-letter it with kind INVALID_TIMESTAMP. */
        DEAD_LETTER;

        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Policy fromConfigName(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    private String eventsTopic;
    private Policy policy;

    @Override
    public void configure(Map<String, ?> configs) {
        eventsTopic = String.valueOf(configs.get(BallastConfig.EVENTS_TOPIC));
        policy = Policy.fromConfigName(String.valueOf(configs.get(BallastConfig.EVENTS_INVALID_TIMESTAMP)));
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long timestamp = record.timestamp();
        if (timestamp >= 0) {
            // Only Ballast marks records; a producer's own mark on the events topic means nothing.
            if (record.topic().equals(eventsTopic) && record.headers().lastHeader(SourceHeaders.INVALID_TIMESTAMP) != null) {
                record.headers().remove(SourceHeaders.INVALID_TIMESTAMP);
            }
            return timestamp;
        }
        if (policy == Policy.DEAD_LETTER) {
            SourceHeaders.markInvalidTimestamp(record.headers(), timestamp);
        }
        if (record.value() instanceof LabelledEvent event) {
            Instant eventTime = event.getEventTime();
            if (eventTime != null && eventTime.toEpochMilli() >= 0) {
                return eventTime.toEpochMilli();
            }
        }
        return partitionTime >= 0 ? partitionTime : System.currentTimeMillis();
    }
}
