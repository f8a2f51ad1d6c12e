package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties of a Ballast app: the user's Kafka settings plus Ballast's defaults. */
public final class StreamsSettings {

    /** Largest record Ballast writes (model snapshots and model state); topics and the producer allow it. */
    public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private StreamsSettings() {
    }

    public static Properties of(BallastConfig config) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "ballast");
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        properties.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, EventTimestampExtractor.class.getName());
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class.getName());
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MAX_RECORD_BYTES);
        // Internal topics (the repartition topic above all) accept every record the events topic can hold, up to
        // the size Ballast itself writes: a re-keyed event is never refused for its size.
        properties.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), Integer.toString(MAX_RECORD_BYTES));
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // Ballast has no global stores; enabling the flag only silences Kafka Streams' start-up warning about it.
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Ballast's task reads two partitions, the events topic's and the repartition topic's, which stays empty
        // while events are keyed by model id. With task idling on (Kafka's default, 0 ms), Kafka Streams 4.3
        // formats a log message about the empty partition before every record it processes, whether or not
        // TRACE is on: 15% of the stream thread. The model trains on events in arrival order and does not need
        // the two inputs aligned by timestamp, so idling is off (users may set max.task.idle.ms back).
        properties.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        properties.putAll(config.nonBallastProperties());
        // Each stream thread's partition assignor builds its own StreamsConfig from the main consumer's settings, which
        // in Kafka Streams 4.3.1 leave this flag out: that copy logged the GlobalThread warning again. It gets the value
        // the app runs with.
        properties.putIfAbsent(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
                properties.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG));
        short replication = config.getShort(BallastConfig.TOPIC_REPLICATION_FACTOR);
        properties.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication);
        // The error handlers and the timestamp extractor are created by Kafka Streams from these properties and find
        // Ballast's settings here.
        for (String key : List.of(BallastConfig.DEAD_LETTERS_TOPIC, BallastConfig.EVENTS_TOPIC,
                BallastConfig.EVENTS_INVALID_TIMESTAMP)) {
            properties.put(key, config.getString(key));
        }
        if (!properties.containsKey(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new ConfigException("bootstrap.servers is not set: give --set bootstrap.servers=HOST:PORT or put it in --config");
        }
        if (!properties.containsKey("schema.registry.url")) {
            throw new ConfigException("schema.registry.url is not set: give --set schema.registry.url=http://HOST:PORT or put it in --config");
        }
        return properties;
    }
}
