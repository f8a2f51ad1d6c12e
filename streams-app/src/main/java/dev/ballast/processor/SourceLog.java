package dev.ballast.processor;

import dev.ballast.schema.LabelledEvent;
import org.apache.kafka.common.TopicPartition;

/**
 * The input records a task has already processed, read back from the events topic. After a restart a model's
 * state is its last save plus the events it took in since; those that came straight from the events topic are read
 * again from there, as Kafka Streams restores a table from its source topic, instead of being journalled one by one
 * (see {@link ModelStore}). Used only while a model is being restored, so implementations connect lazily.
 */
public interface SourceLog extends AutoCloseable {

    /** One record read back. */
    @FunctionalInterface
    interface Visitor {
        /**
         * @param key   the record's key (the model id when the event was keyed right); null if it has none
         * @param event the decoded event
         */
        void accept(long offset, String key, LabelledEvent event);
    }

    /**
     * Passes every record of {@code partition} from offset {@code from} (inclusive) to {@code to} (exclusive) to
     * {@code each}, in offset order, decoded as the application decoded it (committed records only). Records without
     * a value, and those the application could not decode (and dead-lettered), are skipped; a failure that is not the
     * record's fault (the registry unreachable) is thrown, as it stops the application.
     */
    void read(TopicPartition partition, long from, long to, Visitor each);

    /**
     * The offset of {@code partition} committed by the application's consumer group: where its processing resumed
     * after the restart.
     *
     * @throws IllegalStateException if the group has committed none
     */
    long committedOffset(TopicPartition partition);

    @Override
    void close();
}
