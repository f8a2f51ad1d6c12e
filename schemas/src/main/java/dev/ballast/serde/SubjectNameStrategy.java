package dev.ballast.serde;

import java.util.Arrays;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/** How a serializer names the registry subject a record's schema belongs to, as Confluent's strategies do. */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} or {@code <topic>-value}: one schema lineage per topic (the default). */
    TOPIC_NAME("io.confluent.kafka.serializers.subject.TopicNameStrategy"),
    /** The record's full name: one lineage per record type, shared by all topics. */
    RECORD_NAME("io.confluent.kafka.serializers.subject.RecordNameStrategy"),
    /** {@code <topic>-<record full name>}: one lineage per record type per topic. */
    TOPIC_RECORD_NAME("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");

    private final String confluentClassName;

    SubjectNameStrategy(String confluentClassName) {
        this.confluentClassName = confluentClassName;
    }

    /** The subject for a record of {@code schema} written to {@code topic} as a key or a value. */
    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> schema.getFullName();
            case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
        };
    }

    /** Confluent's class name for this strategy. */
    public String confluentClassName() {
        return confluentClassName;
    }

    /**
     * The strategy named by {@code name}: a Confluent class name
     * ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}), its simple name ({@code TopicNameStrategy}),
     * a short name ({@code TopicName}) or this enum's constant ({@code TOPIC_NAME}), case-insensitively.
     *
     * @throws ConfigException for any other name
     */
    public static SubjectNameStrategy parse(String name) {
        String simple = name.substring(name.lastIndexOf('.') + 1).trim();
        String normalised = simple.replace("_", "").toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(strategy -> {
                    String constant = strategy.name().replace("_", "").toLowerCase(Locale.ROOT);
                    return normalised.equals(constant) || normalised.equals(constant + "strategy");
                })
                .findFirst()
                .orElseThrow(() -> new ConfigException("Unknown subject name strategy '" + name
                        + "'; expected TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy"));
    }
}
